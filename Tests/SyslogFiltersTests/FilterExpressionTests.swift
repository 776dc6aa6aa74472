import Testing
import SyslogConfig
import SyslogMessage
@testable import SyslogFilters

@Suite struct FilterExpressionTests {
    @Test func tagsAnyOf() throws {
        let f = try compile(AST.call("tags", AST.str("t1"), AST.str("t2")))
        #expect(f.matches(makeMessage(tags: ["t2"])))
        #expect(f.matches(makeMessage(tags: ["x", "t1"])))
        #expect(!f.matches(makeMessage(tags: ["t3"])))
        #expect(!f.matches(makeMessage()))
    }

    @Test func sourceIsExact() throws {
        let f = try compile(AST.call("source", AST.id("s_net")))
        #expect(f.matches(makeMessage(source: "s_net")))
        #expect(!f.matches(makeMessage(source: "s_network")))
        #expect(!f.matches(makeMessage()))
    }

    @Test func netmask() throws {
        let f = try compile(AST.call("netmask", AST.str("10.1.0.0/16")))
        #expect(f.matches(makeMessage(address: "10.1.200.3")))
        #expect(f.matches(makeMessage(address: "::ffff:10.1.0.9")))
        #expect(!f.matches(makeMessage(address: "10.2.0.1")))
        #expect(!f.matches(makeMessage()))
        #expect(try compile(AST.call("netmask", AST.str("127.0.0.0/255.0.0.0"))).matches(makeMessage()))
        #expect(compileError(AST.call("netmask", AST.str("10.0.0/8")))?.message == "Invalid IPv4 network '10.0.0/8' in netmask()")
    }

    @Test func andOrNotFollowTheTree() throws {
        let err = AST.call("level", AST.span("emerg", "err"))
        let cron = AST.call("program", AST.str("^cron$"))
        let mail = AST.call("facility", AST.id("mail"))
        // (err or cron) and not mail
        let a = try compile(.and(.or(err, cron), AST.not(mail)))
        // err or (cron and not mail)
        let b = try compile(.or(err, .and(cron, AST.not(mail))))
        let mailErr = makeMessage(pri: pri(2, 3), program: "postfix")
        #expect(!a.matches(mailErr))
        #expect(b.matches(mailErr))
        let userCronInfo = makeMessage(pri: pri(1, 6), program: "cron")
        #expect(a.matches(userCronInfo))
        #expect(b.matches(userCronInfo))
        let mailCronInfo = makeMessage(pri: pri(2, 6), program: "cron")
        #expect(!a.matches(mailCronInfo))
        #expect(!b.matches(mailCronInfo))
        #expect(try compile(AST.not(AST.not(err))).matches(mailErr))
    }

    @Test func namedFilterReferences() throws {
        let named: [String: FilterExpr] = [
            "f_err": AST.call("level", AST.span("emerg", "err")),
            "f_cron": AST.call("program", AST.str("cron")),
            "f_both": .and(AST.call("filter", AST.id("f_err")), AST.call("filter", AST.id("f_cron"))),
        ]
        let f = try compile(.or(AST.call("filter", AST.id("f_both")), AST.call("filter", AST.id("f_err"))), named: named)
        #expect(f.matches(makeMessage(pri: pri(1, 2), program: "x")))
        #expect(!f.matches(makeMessage(pri: pri(1, 6), program: "cron")))
        let g = try compile(AST.call("filter", AST.id("f_both")), named: named)
        #expect(g.matches(makeMessage(pri: pri(1, 3), program: "crond")))
        #expect(!g.matches(makeMessage(pri: pri(1, 3), program: "sshd")))
    }

    @Test func undefinedReference() {
        let r = AST.at(7, 3)
        let e = compileError(AST.call("filter", at: r, AST.id("f_x")))
        #expect(e?.message == "Reference to undefined filter 'f_x'")
        #expect(e?.range == r)
    }

    @Test func referenceLoops() {
        let named: [String: FilterExpr] = [
            "f_a": .and(AST.call("level", AST.id("err")), AST.call("filter", AST.id("f_b"))),
            "f_b": .or(AST.call("program", AST.str("x")), AST.call("filter", AST.id("f_a"))),
            "f_self": AST.not(AST.call("filter", AST.id("f_self"))),
        ]
        #expect(compileError(AST.call("filter", AST.id("f_a")), named: named)?.message
            == "Filter reference loop: f_a -> f_b -> f_a")
        #expect(compileError(.or(AST.call("tags", AST.str("t")), AST.call("filter", AST.id("f_b"))), named: named)?.message
            == "Filter reference loop: f_b -> f_a -> f_b")
        #expect(compileError(AST.call("filter", AST.id("f_self")), named: named)?.message
            == "Filter reference loop: f_self -> f_self")
    }

    @Test func unknownFunction() {
        let r = AST.at(12, 9, to: 11)
        let e = compileError(.and(AST.call("level", AST.id("err")), AST.call("foo", at: r, AST.str("x"))))
        #expect(e?.message == "Unknown filter function 'foo'")
        #expect(e?.range == r)
        #expect(e?.description == "Unknown filter function 'foo'; location='test.conf:12:9-12:11'")
    }

    @Test func concurrentMatchingIsConsistent() async throws {
        let f = try compile(.or(
            .and(AST.call("message", AST.str("^req [0-9]+ (ok|fail)$"), AST.opt("flags", AST.id("ignore-case"))),
                 AST.not(AST.call("program", AST.str("test"), AST.opt("type", AST.str("string")), AST.opt("flags", AST.id("prefix"))))),
            AST.call("match", AST.str("(a+)+b"), AST.opt("value", AST.str("extra")))))
        var messages: [LogMessage] = []
        var expected: [Bool] = []
        for i in 0..<200 {
            let m = makeMessage(program: i % 3 == 0 ? "tester" : "app",
                                message: i % 2 == 0 ? "REQ \(i) OK" : "req \(i) maybe")
            if i % 7 == 0 { m["extra"] = .string(String(repeating: "a", count: 20) + (i % 14 == 0 ? "b" : "c")) }
            messages.append(m)
            expected.append((i % 2 == 0 && i % 3 != 0) || i % 14 == 0)
        }
        let shared = messages
        let wanted = expected
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<25 {
                        for (m, want) in zip(shared, wanted) where f.matches(m) != want { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(expected.contains(true) && expected.contains(false))
    }
}
