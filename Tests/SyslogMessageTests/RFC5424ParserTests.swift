import Testing
import SyslogMessage

@Suite("RFC 5424 parser")
struct RFC5424ParserTests {
    @Test func fullLine() {
        let m = LogMessage()
        let line = #"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 77 ID47 [exampleSDID@32473 iut="3" eventSource="App\"li\]ca"][b x="1"] An application event"#
        #expect(SyslogParser.parseRFC5424(Array(line.utf8), into: m))
        #expect(m.pri == 165)
        #expect(m.stamp.seconds == 1065910455)
        #expect(m.stamp.microseconds == 3000)
        #expect(m.stamp.utcOffset == 0)
        #expect(m.text(.host) == "mymachine.example.com")
        #expect(m.text(.program) == "evntslog")
        #expect(m.text(.pid) == "77")
        #expect(m.text(.msgid) == "ID47")
        #expect(m[".SDATA.exampleSDID@32473.iut"] == .string("3"))
        #expect(m[".SDATA.exampleSDID@32473.eventSource"] == .string(#"App"li]ca"#))
        #expect(m[".SDATA.b.x"] == .string("1"))
        #expect(m.text(.message) == "An application event")
    }

    @Test func nilValuesAndBOM() {
        let m = LogMessage()
        let line: [UInt8] = Array("<14>1 - - - - - - ".utf8) + [0xEF, 0xBB, 0xBF] + Array("hello".utf8)
        #expect(SyslogParser.parseRFC5424(line, into: m))
        #expect(m[.host] == nil)
        #expect(m[.program] == nil)
        #expect(m.text(.message) == "hello")
    }

    @Test(arguments: ["<13>Nov 25 10:00:00 host prog: x", "<14>2 2003-10-11T22:14:15Z h a p m - x",
                      "<14>1 2003-10-11T22:14:15Z h a p m [broken x", "hello", "", "<14>1 notadate h a p m - x"])
    func notRFC5424(line: String) {
        let m = LogMessage(message: "untouched")
        #expect(!SyslogParser.parseRFC5424(Array(line.utf8), into: m))
        #expect(m.text(.message) == "untouched")
        #expect(m.pri == 13)
    }
}
