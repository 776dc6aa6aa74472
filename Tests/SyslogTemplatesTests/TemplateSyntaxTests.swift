import Testing
import SyslogMessage
@testable import SyslogTemplates

struct TemplateSyntaxTests {
    static let dateMacros = "$DATE|$FULLDATE|$ISODATE|$STAMP|$UNIXTIME|$HOUR|$TZ"

    @Test func tsFormatAndFracDigits() throws {
        var o = Fixture.options
        o.fracDigits = 3
        #expect(try Fixture.render(Self.dateMacros, o) ==
            "Nov 25 02:13:17.123|2026 Nov 25 02:13:17.123|2026-11-25T02:13:17.123+01:00|Nov 25 02:13:17.123|1795569197.123|02|+01:00")
        o.fracDigits = 6
        o.tsFormat = .bsd
        #expect(try Fixture.render("$STAMP|$R_UNIXTIME|$R_ISODATE", o) ==
            "Nov 25 02:13:17.123456|1795576455.000987|2026-11-24T22:14:15.000987-05:00")
        o.fracDigits = 0
        o.tsFormat = .iso
        #expect(try Fixture.render("$STAMP", o) == "2026-11-25T02:13:17+01:00")
        o.tsFormat = .full
        #expect(try Fixture.render("$STAMP", o) == "2026 Nov 25 02:13:17")
        o.tsFormat = .unix
        o.fracDigits = 2
        #expect(try Fixture.render("$STAMP|$R_STAMP", o) == "1795569197.12|1795576455.00")
    }

    @Test func timeZoneOverride() throws {
        var o = Fixture.options
        o.timeZone = -(5 * 3600 + 1800)
        o.fracDigits = 2
        o.tsFormat = .unix
        #expect(try Fixture.render(Self.dateMacros, o) ==
            "Nov 24 19:43:17.12|2026 Nov 24 19:43:17.12|2026-11-24T19:43:17.12-05:30|1795569197.12|1795569197.12|19|-05:30")
        o.timeZone = 0
        o.fracDigits = 0
        #expect(try Fixture.render("$R_ISODATE|$S_TZOFFSET", o) == "2026-11-25T03:14:15+00:00|+00:00")
    }

    @Test func tsFormatNames() {
        #expect(TimestampFormat(name: "bsd") == .rfc3164)
        #expect(TimestampFormat(name: "ISO") == .rfc3339)
        #expect(TimestampFormat(name: "unix") == .unix)
        #expect(TimestampFormat(name: "full") == .full)
        #expect(TimestampFormat(name: "other") == nil)
    }

    @Test func templateEscape() throws {
        var o = Fixture.options
        o.escape = true
        let m = Fixture.message()
        m[.message] = .string(#"a"b'c\d"#)
        #expect(try Fixture.render(#"lit"\x|$MSG|${FOO:-a"b}|$(echo $MSG)|$PROGRAM"#, o, message: m)
                == #"lit"\x|a\"b\'c\\d|a\"b|a"b'c\d|prog"#)
    }

    @Test func dollarsDefaultsAndUnknownNames() throws {
        #expect(try Fixture.render("$HOST$$x$$$PID$1") == "myhost$x$123")
        #expect(try Fixture.render("a$ b$-c$") == "a$ b$-c$")
        #expect(try Fixture.render("a${FOO:-$HOST}b${HOST:-x}") == "a$HOSTbmyhost")
        #expect(try Fixture.render("${msg}|$Msg|${MSG}x|$MSGx|${unknown.dotted.name:-none}") == "||hello worldx||none")
        #expect(try Fixture.render("${.SDATA.exampleSDID@32473.iut}") == "3")
    }

    @Test func literalTemplates() throws {
        let t = try Template("plain text $$5\n")
        #expect(t.isLiteral)
        #expect(t.literalText == "plain text $5\n")
        #expect(t.render(Fixture.message()) == "plain text $5\n")
        let m = try Template("$MSG\n")
        #expect(!m.isLiteral)
        #expect(m.literalText == nil)
        #expect(try Template("").isLiteral)
    }

    static let errorCases: [(String, String)] = [
        ("x${HOST", "Invalid macro reference, missing '}' at offset 1"),
        ("${}", "Invalid macro reference, empty name at offset 0"),
        ("ab$(echo", "Invalid template function reference, missing function name or imbalanced '(' at offset 2"),
        ("$()", "Invalid template function reference, missing function name or imbalanced '(' at offset 0"),
        ("$(echo \"a)", "Invalid template function reference, missing function name or imbalanced '(' at offset 0"),
        ("xy $(foo a)", "Unknown template function 'foo' at offset 3"),
        ("$(echo a ${B)", "Invalid template function reference, missing function name or imbalanced '(' at offset 0"),
        ("$(echo a $(bar))", "Unknown template function 'bar' at offset 9"),
        ("$(format-json --scope bogus)", "format-json: unknown scope 'bogus' at offset 22"),
        ("$(format-json --bogus)", "format-json: unknown option '--bogus' at offset 14"),
        ("$(format-json --pair x)", "format-json: expected an equal sign in key=value pair at offset 21"),
        ("$(format-json --key)", "format-json: missing argument to --key at offset 14"),
        ("$(if (x) a b)", "$(if) needs filter expressions, which are not available here at offset 0"),
    ]

    @Test("compile errors", arguments: errorCases)
    func compileError(text: String, expected: String) {
        #expect {
            _ = try Template(text)
        } throws: { error in
            (error as? TemplateError)?.description == expected
        }
    }

    @Test func dateCacheReusesFormattedText() throws {
        let t = try Template("${DATE} ${ISODATE} ${FULLDATE} $HOUR:$MIN ${HOST} ${MSGHDR}${MSG}\n", options: Fixture.options)
        let m = Fixture.message()
        var ctx = TemplateRenderContext()
        var first: [UInt8] = []
        var second: [UInt8] = []
        t.render(m, into: &first, context: &ctx)
        #expect(ctx.dateCacheMisses == 1)
        t.render(m, into: &second, context: &ctx)
        #expect(ctx.dateCacheMisses == 1)
        #expect(first == second)
        #expect(String(decoding: first, as: UTF8.self) ==
            "Nov 25 02:13:17 2026-11-25T02:13:17+01:00 2026 Nov 25 02:13:17 02:13 myhost prog[123]: hello world\n")
        // another second and back: the old entry is still cached
        let other = Fixture.message()
        other.stamp.seconds += 1
        var third: [UInt8] = []
        t.render(other, into: &third, context: &ctx)
        #expect(ctx.dateCacheMisses == 2)
        #expect(String(decoding: third, as: UTF8.self).hasPrefix("Nov 25 02:13:18 "))
        var fourth: [UInt8] = []
        t.render(m, into: &fourth, context: &ctx)
        #expect(fourth == first)
        #expect(ctx.dateCacheMisses == 2)
    }

    @Test func renderAppends() throws {
        let t = try Template("$PROGRAM")
        var out = Array("x:".utf8)
        var ctx = TemplateRenderContext()
        t.render(Fixture.message(), into: &out, context: &ctx)
        #expect(String(decoding: out, as: UTF8.self) == "x:prog")
    }
}
