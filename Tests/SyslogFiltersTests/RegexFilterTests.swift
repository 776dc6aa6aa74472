import Testing
import SyslogConfig
import SyslogMessage
@testable import SyslogFilters

@Suite struct RegexFilterTests {
    @Test func programHostMessage() throws {
        let m = makeMessage(program: "sshd", host: "web01", message: "Accepted publickey for root")
        #expect(try compile(AST.call("program", AST.str("^ssh"))).matches(m))
        #expect(try !compile(AST.call("program", AST.str("^cron$"))).matches(m))
        #expect(try compile(AST.call("host", AST.str("web[0-9]+"))).matches(m))
        #expect(try !compile(AST.call("host", AST.str("^db"))).matches(m))
        #expect(try compile(AST.call("message", AST.str("publickey for (root|admin)$"))).matches(m))
        #expect(try !compile(AST.call("message", AST.str("sshd"))).matches(m))
    }

    @Test func unsetValueMatchesAsEmpty() throws {
        let m = makeMessage(message: "x")
        #expect(try compile(AST.call("program", AST.str("^$"))).matches(m))
        #expect(try !compile(AST.call("host", AST.str("."))).matches(m))
    }

    @Test func matchWithValue() throws {
        let m = makeMessage(program: "kernel", message: "usb 1-1: new device")
        m["custom.field"] = .string("alpha-42")
        m["count"] = .int(1234)
        #expect(try compile(AST.call("match", AST.str("^alpha-[0-9]+$"), AST.opt("value", AST.str("custom.field")))).matches(m))
        #expect(try !compile(AST.call("match", AST.str("usb"), AST.opt("value", AST.str("PROGRAM")))).matches(m))
        #expect(try compile(AST.call("match", AST.str("^kern"), AST.opt("value", AST.str("PROGRAM")))).matches(m))
        #expect(try compile(AST.call("match", AST.str("^12[0-9]+$"), AST.opt("value", AST.str("count")))).matches(m))
        #expect(try !compile(AST.call("match", AST.str("."), AST.opt("value", AST.str("never.set")))).matches(m))
    }

    @Test("flags(store-matches): a match stores $0, $1… and named groups; a group that took no part stays unset")
    func storeMatches() throws {
        let m = makeMessage(program: "sshd", message: "Accepted publickey for root from 10.0.0.1")
        let f = try compile(AST.call("match", AST.str("for (?<user>[a-z]+) from ([0-9.]+)( port)?"),
                                     AST.opt("value", AST.str("MESSAGE")), AST.opt("flags", AST.id("store-matches"))))
        #expect(f.storesMatches)
        #expect(f.matches(m))
        #expect(m["0"] == .string("for root from 10.0.0.1"))
        #expect(m["1"] == .string("root"))
        #expect(m["user"] == .string("root"))
        #expect(m["2"] == .string("10.0.0.1"))
        #expect(m["3"] == nil)
        // No match: nothing stored.
        let other = makeMessage(message: "nothing here")
        #expect(!f.matches(other))
        #expect(other["user"] == nil && other["0"] == nil)
        // Without the flag the message is left alone.
        let plain = try compile(AST.call("message", AST.str("for (?<who>[a-z]+)")))
        #expect(!plain.storesMatches)
        #expect(plain.matches(m) && m["who"] == nil)
    }

    @Test func matchWithoutValueSeesHeaderAndMessage() throws {
        let withPid = makeMessage(program: "prog", pid: "12", message: "hello")
        let f = try compile(AST.call("match", AST.str("^prog\\[12\\]: hello$")))
        #expect(f.matches(withPid))
        #expect(!f.matches(makeMessage(program: "prog", message: "hello")))
        #expect(try compile(AST.call("match", AST.str("^prog: hello$"))).matches(makeMessage(program: "prog", message: "hello")))
        #expect(try compile(AST.call("match", AST.str("^hello$"))).matches(makeMessage(message: "hello")))
        let legacy = makeMessage(program: "p", message: "body")
        legacy[.legacyMsghdr] = .string("OLD: ")
        #expect(try compile(AST.call("match", AST.str("^OLD: body$"))).matches(legacy))
    }

    @Test func ignoreCase() throws {
        let m = makeMessage(program: "SSHD", message: "Failed PASSWORD")
        #expect(try !compile(AST.call("program", AST.str("^sshd$"))).matches(m))
        #expect(try compile(AST.call("program", AST.str("^sshd$"), AST.opt("flags", AST.id("ignore-case")))).matches(m))
        #expect(try compile(AST.call("message", AST.str("failed password"), AST.opt("flags", AST.id("ignore_case")))).matches(m))
        // Unknown flags are ignored.
        #expect(try compile(AST.call("message", AST.str("failed"), AST.opt("flags", AST.id("store-matches"), AST.id("ignore-case")))).matches(m))
    }

    @Test func typeStringIsExactUnlessPrefixOrSubstring() throws {
        let m = makeMessage(message: "xfoox")
        let exact = try compile(AST.call("message", AST.str("foo"), AST.opt("type", AST.str("string"))))
        #expect(!exact.matches(m))
        #expect(exact.matches(makeMessage(message: "foo")))
        #expect(try compile(AST.call("message", AST.str("xfo"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("prefix")))).matches(m))
        #expect(try !compile(AST.call("message", AST.str("fo"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("prefix")))).matches(m))
        #expect(try compile(AST.call("message", AST.str("oo"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("substring")))).matches(m))
        #expect(try !compile(AST.call("message", AST.str("oq"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("substring")))).matches(m))
        // Regex metacharacters are literal.
        #expect(try compile(AST.call("message", AST.str("a.b"), AST.opt("type", AST.str("string")))).matches(makeMessage(message: "a.b")))
        #expect(try !compile(AST.call("message", AST.str("a.b"), AST.opt("type", AST.str("string")))).matches(makeMessage(message: "axb")))
    }

    @Test func typeStringIgnoreCase() throws {
        let f = try compile(AST.call("message", AST.str("OOO"), AST.opt("type", AST.str("string")),
                                     AST.opt("flags", AST.id("substring"), AST.id("ignore-case"))))
        #expect(f.matches(makeMessage(message: "fooox")))
        #expect(!f.matches(makeMessage(message: "fo-o")))
        let exact = try compile(AST.call("message", AST.str("FOO"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("ignore-case"))))
        #expect(exact.matches(makeMessage(message: "foo")))
        #expect(!exact.matches(makeMessage(message: "foox")))
    }

    @Test func typeGlob() throws {
        func glob(_ p: String) throws -> CompiledFilter {
            try compile(AST.call("message", AST.str(p), AST.opt("type", AST.str("glob"))))
        }
        #expect(try glob("fO*").matches(makeMessage(message: "fOOOx")))
        #expect(try !glob("fO*").matches(makeMessage(message: "xfOOO")))
        #expect(try glob("*.log").matches(makeMessage(message: "/var/log/app.log")))
        #expect(try !glob("*.log").matches(makeMessage(message: "/var/log/app.log.1")))
        #expect(try glob("a?c").matches(makeMessage(message: "abc")))
        #expect(try glob("a?c").matches(makeMessage(message: "aéc")))
        #expect(try !glob("a?c").matches(makeMessage(message: "ac")))
        #expect(try glob("*a*b*").matches(makeMessage(message: "xxaxxbxx")))
        #expect(try !glob("*a*b*").matches(makeMessage(message: "xxbxxaxx")))
        #expect(try glob("").matches(makeMessage(message: "")))
        #expect(try glob("*").matches(makeMessage(message: "")))
    }

    @Test func utf8Flag() throws {
        let plain = try compile(AST.call("message", AST.str("^.$")))
        let utf = try compile(AST.call("message", AST.str("^.$"), AST.opt("flags", AST.id("utf8"))))
        let m = makeMessage(message: "é")
        #expect(!plain.matches(m))
        #expect(utf.matches(m))
    }

    @Test func badRegexError() {
        let r = AST.at(4, 20, to: 24)
        let e = compileError(AST.call("message", AST.str("re(", r)))
        #expect(e?.message == "Error compiling regular expression 're(': missing closing parenthesis at offset 3")
        #expect(e?.range == r)
    }

    @Test func optionErrors() {
        #expect(compileError(AST.call("message", AST.str("x"), AST.opt("type", AST.str("fancy"))))?.message
            == "Unknown regexp type 'fancy'")
        #expect(compileError(AST.call("program", AST.str("x"), AST.opt("value", AST.str("HOST"))))?.message
            == "Unknown option 'value' in program()")
        #expect(compileError(AST.call("message"))?.message == "message() requires a pattern")
        #expect(compileError(AST.call("host", AST.str("a"), AST.str("b")))?.message == "host() takes a single pattern")
    }
}
