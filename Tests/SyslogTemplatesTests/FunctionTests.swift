import Testing
import SyslogMessage
@testable import SyslogTemplates

struct FunctionTests {
    @Test func echo() throws {
        #expect(try Fixture.render(#"$(echo a "b c" $HOST${PID}x "$PROGRAM q" "" z)"#) == "a b c myhost123x prog q  z")
        #expect(try Fixture.render("$(echo)|$(echo  a   b )|$(echo a\"b c\"d)") == "|a b|ab cd")
        #expect(try Fixture.render("$(echo a$(echo b c)d)|$(echo \"a)b\")|$(echo 'x y')") == "ab cd|a)b|x y")
    }

    /// A stub filter compiler: `"$NAME" == "value"`, with NAME looked up as a value.
    static let stubCompiler: Template.ConditionCompiler = { text in
        let parts = text.split(separator: " ")
        guard parts.count == 3, parts[1] == "==" else {
            throw TemplateError("bad condition", offset: 0)
        }
        let name = String(parts[0].dropFirst(2).dropLast(1))
        let value = String(parts[2].dropFirst().dropLast())
        let handle = NameRegistry.shared.handle(for: name)
        return { msg in msg.text(handle) == value }
    }

    @Test func ifFunction() throws {
        let t = try Template(#"$(if ("$PID" == "123") "yes $HOST" "no")|$(if ("$PID" == "1") yes no)"#,
                             options: Fixture.options, conditionCompiler: Self.stubCompiler)
        #expect(t.render(Fixture.message()) == "yes myhost|no")
        #expect(throws: TemplateError.self) {
            _ = try Template("$(if (x) a b)", conditionCompiler: Self.stubCompiler)
        }
        #expect(throws: TemplateError.self) {
            _ = try Template(#"$(if ("$PID" == "1") a)"#, conditionCompiler: Self.stubCompiler)
        }
    }

    static let sdataJSON = #""_SDATA":{"exampleSDID@32473":{"iut":"3","eventSource":"App\"li]ca\\tion"},"b":{"x":"1"}}"#

    static let jsonCases: [(String, String)] = [
        ("$(format-json)", "{}"),
        ("$(format-json --scope nv-pairs)",
         #"{"TRANSPORT":"rfc5424+tcp","SOURCE":"s_net","RAWMSG":"raw","PROGRAM":"prog","PID":"123","MSGID":"ID47","MESSAGE":"hello world","HOST_FROM":"relay","HOST":"myhost"}"#),
        ("$(format-json --scope dot-nv-pairs)", "{\(sdataJSON)}"),
        ("$(format-json --scope rfc5424)",
         #"{\#(sdataJSON),"PROGRAM":"prog","PRIORITY":"notice","PID":"123","MSGID":"ID47","MESSAGE":"hello world","HOST":"myhost","FACILITY":"local4","DATE":"Nov 25 02:13:17"}"#),
        ("$(format-json --scope rfc3164)",
         #"{"PROGRAM":"prog","PRIORITY":"notice","PID":"123","MESSAGE":"hello world","HOST":"myhost","FACILITY":"local4","DATE":"Nov 25 02:13:17"}"#),
        ("$(format-json --scope selected-macros)",
         #"{"TAGS":"t1,t2","SOURCEIP":"10.1.2.3","SEQNUM":"42","PROGRAM":"prog","PRIORITY":"notice","PID":"123","MESSAGE":"hello world","HOST":"myhost","FACILITY":"local4","DATE":"Nov 25 02:13:17"}"#),
        ("$(format-json --scope syslog-proto --exclude .SDATA.b.* --exclude P*)",
         #"{"_SDATA":{"exampleSDID@32473":{"iut":"3","eventSource":"App\"li]ca\\tion"}},"MSGID":"ID47","MESSAGE":"hello world","HOST":"myhost","FACILITY":"local4","DATE":"Nov 25 02:13:17"}"#),
        ("$(format-json --scope nv-pairs --exclude P* --key PID --exclude *O* --exclude *_*)",
         #"{"RAWMSG":"raw","PID":"123","MSGID":"ID47","MESSAGE":"hello world"}"#),
        ("$(format-json --key HO?T --key SEQ* --key DATE)", #"{"SEQNUM":"42","HOST":"myhost","DATE":"Nov 25 02:13:17"}"#),
        ("$(format-json --key PID --exclude P*)", "{}"),
        ("$(format-json --scope nv-pairs --exclude * HOST=foo --pair p=$PROGRAM)", #"{"p":"prog","HOST":"foo"}"#),
        ("$(format-json a.b=y a.c.d=z b=1 .x.y=2 A=4 _q=5)",
         #"{"b":"1","a":{"c":{"d":"z"},"b":"y"},"_x":{"y":"2"},"_q":"5","A":"4"}"#),
        (#"$(format-json a="b c" --pair "x y=z" --pair q=r "k=v w" e="$(echo $HOST)")"#,
         #"{"x y":"z","q":"r","k":"v w","e":"myhost","a":"b c"}"#),
        ("$(format-json --scope dot-nv-pairs --leave-initial-dot --exclude *.iut --exclude *.eventSource)",
         #"{".SDATA":{"b":{"x":"1"}}}"#),
        (#"$(format-json --omit-empty-values a="" b=x c=$NOPE)"#, #"{"b":"x"}"#),
        (#"$(format-json a="" c=$NOPE)"#, #"{"c":"","a":""}"#),
        ("$(format-json s=int($PID) t=boolean(true) u=double(1.5) v=string(7) w=list(a,b) x=int64(12) y=literal($PID) n=null() f=int(x))",
         #"{"y":123,"x":12,"w":["a","b"],"v":"7","u":1.5,"t":true,"s":123,"n":null,"f":"x"}"#),
    ]

    @Test("format-json", arguments: jsonCases)
    func formatJSON(template: String, expected: String) throws {
        #expect(try Fixture.render(template) == expected)
    }

    @Test func formatJSONTypedValues() throws {
        let m = Fixture.message()
        m["n.i"] = .int(5)
        m["n.d"] = .double(1.5)
        m["n.b"] = .bool(false)
        m["n.z"] = .null
        m["n.l"] = .list(["a", "b\"c"])
        #expect(try Fixture.render("$(format-json --key n.*)", message: m) ==
            #"{"n":{"z":null,"l":["a","b\"c"],"i":5,"d":1.500000,"b":false}}"#)
        #expect(try Fixture.render("$(format-json v=${n.i} w=${n.b} s=x${n.i})", message: m) == #"{"w":false,"v":5,"s":"x5"}"#)
    }

    @Test func formatJSONEscaping() throws {
        let m = Fixture.message()
        m[.message] = .string("a\u{1}b\tc\"d\\eé\u{7f}/\r\u{8}\u{c}\n\u{1f}")
        m["raw"] = .bytes([0x66, 0xFF, 0x67, 0xE2, 0x82, 0x41])
        #expect(try Fixture.render("$(format-json x=$MSG y=$raw)", message: m) ==
            "{\"y\":\"f\\\\xffg\\\\xe2\\\\x82A\",\"x\":\"a\\u0001b\\tc\\\"d\\\\eé\u{7f}/\\r\\b\\f\\n\\u001f\"}")
    }

    @Test func formatJSONEverything() throws {
        let out = try Fixture.render("$(format-json --scope everything)")
        for part in [#""_SDATA":{"#, #""YEAR_DAY":"329""#, #""R_ISODATE":"2026-11-24T22:14:15-05:00""#,
                     #""MSG":"hello world""#, #""MESSAGE":"hello world""#, #""LOGHOST":"loghost.example""#,
                     #""BSDTAG":"5U""#, #""HOST_FROM":"relay""#] {
            #expect(out.contains(part), "\(part)")
        }
        #expect(out.hasPrefix("{\"_SDATA\""))
        #expect(out.hasSuffix("\"AMPM\":\"AM\"}"))
    }
}
