import SyslogMessage
@testable import SyslogTemplates

/// A fixed message for template tests.
enum Fixture {
    /// 2026-11-25 02:13:17.123456 +01:00 (a Wednesday).
    static let stamp = LogStamp(seconds: 1_795_569_197, microseconds: 123_456, utcOffset: 3600)
    /// 2026-11-24 22:14:15.000987 -05:00 (a Tuesday).
    static let received = LogStamp(seconds: 1_795_576_455, microseconds: 987, utcOffset: -18000)

    static let options = TemplateOptions(localHostname: "loghost.example")

    static func message() -> LogMessage {
        let m = LogMessage(stamp: stamp)
        m.received = received
        m.pri = 165
        m[.host] = .string("myhost")
        m[.hostFrom] = .string("relay")
        m[.program] = .string("prog")
        m[.pid] = .string("123")
        m[.msgid] = .string("ID47")
        m[.message] = .string("hello world")
        m[.source] = .string("s_net")
        m[.transport] = .string("rfc5424+tcp")
        m[.rawmsg] = .string("raw")
        m[".SDATA.exampleSDID@32473.iut"] = .string("3")
        m[".SDATA.exampleSDID@32473.eventSource"] = .string("App\"li]ca\\tion")
        m[".SDATA.b.x"] = .string("1")
        m.addTag("t1")
        m.addTag("t2")
        m.sourceAddress = "10.1.2.3"
        m.sequence = 42
        return m
    }

    static func render(_ text: String, _ options: TemplateOptions = Fixture.options,
                       message: LogMessage = Fixture.message()) throws -> String {
        try Template(text, options: options).render(message)
    }
}
