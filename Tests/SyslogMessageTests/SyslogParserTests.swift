import Testing
import SyslogMessage

/// A fixed "now" of 2026-11-25T02:13:17Z for the BSD year rule.
let parserNow = LogStamp(seconds: 1_795_572_797, utcOffset: 0)

func parse(_ line: String, now: LogStamp = parserNow) -> LogMessage {
    let m = LogMessage(stamp: LogStamp(seconds: 5, utcOffset: 0))
    SyslogParser.parseRFC3164(Array(line.utf8), into: m, now: now)
    return m
}

/// The stamp's wall-clock fields in its own offset, as `YYYY-MM-DD hh:mm:ss`.
func wallClock(_ s: LogStamp) -> String {
    let c = s.components()
    func p(_ v: Int, _ w: Int = 2) -> String {
        let t = String(v)
        return String(repeating: "0", count: max(0, w - t.count)) + t
    }
    return "\(p(c.year, 4))-\(p(c.month))-\(p(c.day)) \(p(c.hour)):\(p(c.minute)):\(p(c.second))"
}

@Suite("SyslogParser.parseRFC3164")
struct SyslogParserTests {
    @Test("full BSD line: pri, stamp, host, program[pid]: message")
    func fullLine() {
        let m = parse("<13>Nov 25 10:00:00 myhost prog[12]: text here")
        #expect(m.pri == 13)
        #expect(m.text(.host) == "myhost")
        #expect(m.text(.program) == "prog")
        #expect(m.text(.pid) == "12")
        #expect(m.text(.message) == "text here")
        #expect(m[.legacyMsghdr] == nil)
        #expect(wallClock(m.stamp) == "2026-11-25 10:00:00")
        #expect(m.stamp.microseconds == 0)
        #expect(m.stamp.utcOffset == LocalZone.offset(at: m.stamp.seconds))
    }

    @Test("space-padded day and no host name")
    func noHost() {
        let m = parse("<38>Nov  5 01:02:03 prog2: x")
        #expect(m.pri == 38)
        #expect(m.facility == 4 && m.severity == 6)
        #expect(m[.host] == nil)
        #expect(m.text(.program) == "prog2")
        #expect(m[.pid] == nil)
        #expect(m.text(.message) == "x")
        #expect(wallClock(m.stamp) == "2026-11-05 01:02:03")
    }

    @Test("no header: the first word is the program and the legacy header is kept")
    func bareWords() {
        let m = parse("hello world")
        #expect(m.pri == 13)
        #expect(m.text(.program) == "hello")
        #expect(m.text(.legacyMsghdr) == "hello ")
        #expect(m.text(.message) == "world")
        #expect(m.stamp == LogStamp(seconds: 5, utcOffset: 0))
    }

    @Test("a single word is the program, with an empty message")
    func singleWord() {
        let m = parse("hello")
        #expect(m.text(.program) == "hello")
        #expect(m.text(.legacyMsghdr) == "hello")
        #expect(m[.message] == .string(""))
    }

    @Test("ISO timestamp with fraction and offset")
    func isoStamp() {
        let m = parse("<14>2026-11-25T10:00:00.123+01:00 h5 app: m")
        #expect(m.pri == 14)
        // 2026-11-25T09:00:00Z (date -u -d 2026-11-25T10:00:00+01:00 +%s)
        #expect(m.stamp.seconds == 1_795_597_200)
        #expect(m.stamp.microseconds == 123_000)
        #expect(m.stamp.utcOffset == 3600)
        #expect(m.text(.host) == "h5")
        #expect(m.text(.program) == "app")
        #expect(m.text(.message) == "m")
    }

    @Test("ISO timestamp in UTC and with a negative offset", arguments: [
        ("<14>2026-11-25T02:13:17Z h a: b", Int64(1_795_572_797), Int32(0), Int32(0)),
        ("<14>2026-11-25T02:13:17.5-05:30 h a: b", 1_795_572_797 + 19_800, -19_800, 500_000),
        ("<14>2026-11-25T02:13:17.1234567+00:00 h a: b", 1_795_572_797, 0, 123_456),
    ] as [(String, Int64, Int32, Int32)])
    func isoVariants(line: String, seconds: Int64, offset: Int32, usec: Int32) {
        let m = parse(line)
        #expect(m.stamp.seconds == seconds)
        #expect(m.stamp.utcOffset == offset)
        #expect(m.stamp.microseconds == usec)
        #expect(m.text(.host) == "h" && m.text(.program) == "a" && m.text(.message) == "b")
    }

    @Test("BSD stamp with fractional seconds")
    func bsdFraction() {
        let m = parse("<13>Nov 25 10:00:00.25 host p: m")
        #expect(m.stamp.microseconds == 250_000)
        #expect(m.text(.host) == "host")
        #expect(m.text(.message) == "m")
    }

    @Test("no PRI keeps the default user.notice")
    func noPri() {
        let m = parse("Nov 25 10:00:00 host prog: msg")
        #expect(m.pri == 13)
        #expect(m.text(.host) == "host")
        #expect(m.text(.program) == "prog")
        #expect(m.text(.message) == "msg")
    }

    @Test("a PRI above 191 is kept, as syslog-ng keeps it; above 65535 it wraps")
    func largePri() {
        let m = parse("<999>x: y")
        #expect(m.pri == 999)
        #expect(m.text(.program) == "x")
        #expect(parse("<191>p: m").pri == 191)
        #expect(parse("<192>p: m").pri == 192)
        #expect(parse("<65537>p: m").pri == 1)
        #expect(parse("<0>Nov 25 10:00:00 h p: m").pri == 0)
    }

    @Test("a malformed PRI makes the line malformed (the source posts syslog-ng's error message instead)",
          arguments: ["<<13>>x", "<abc>x", "<13 x", "<1a>x"])
    func malformedPri(line: String) {
        let m = LogMessage()
        #expect(!SyslogParser.parseRFC3164(Array(line.utf8), into: m))
        let e = LogMessage()
        SyslogParser.errorMessage(for: Array(line.utf8), into: e)
        #expect(e.pri == 43 && e.text(.program) == "syslog-ng")
        #expect(e.text(.message) == "Error processing log message: " + line)
    }

    @Test("Cisco sequence numbers and clock marks: .SDATA.meta.sequenceId, .SDATA.timeQuality.isSynced")
    func cisco() {
        let m = parse("<189>45: *Mar  1 00:00:35.543: %SYS-5-CONFIG_I: Configured")
        #expect(m["SDATA.meta.sequenceId"] == nil)
        #expect(m[".SDATA.meta.sequenceId"] == .string("45"))
        #expect(m[".SDATA.timeQuality.isSynced"] == .string("0"))
        #expect(m.text(.program) == "%SYS-5-CONFIG_I" && m.text(.message) == "Configured")
        #expect(parse("<189>46: .Mar  1 00:00:35: %X: y")[".SDATA.timeQuality.isSynced"] == .string("1"))
    }

    @Test("without a stamp the kernel facility means PROGRAM=kernel and the rest is the message")
    func kernel() {
        let m = parse("<6>[12345.678] usb 1-1: new device")
        #expect(m.text(.program) == "kernel")
        #expect(m.text(.message) == "[12345.678] usb 1-1: new device")
        #expect(parse("<6>Nov 25 10:00:00 h p: m").text(.program) == "p")
    }

    @Test("$MSGHDR is the header as written when it is not PROGRAM[PID]: ")
    func headerAsWritten() {
        #expect(parse("<13>Nov 25 10:00:00 h prog:x").text(.legacyMsghdr) == "prog:")
        #expect(parse("<13>Nov 25 10:00:00 h : x").text(.legacyMsghdr) == ": ")
        #expect(parse("<13>Nov 25 10:00:00 h prog[]: x").text(.legacyMsghdr) == "prog[]: ")
        #expect(parse("<13>Nov 25 10:00:00 h prog[1]: x")[.legacyMsghdr] == nil)
    }

    @Test("invalid UTF-8 is kept byte for byte")
    func invalidUTF8() {
        let m = LogMessage()
        SyslogParser.parseRFC3164(Array("<13>Nov 25 10:00:00 h p: a".utf8) + [0xff, 0xfe], into: m)
        #expect(m[.message] == .rawString(Array("a".utf8) + [0xff, 0xfe]))
    }

    @Test("degenerate lines never crash", arguments: [
        "", "<", "<1", "<13", "<13>", "<>", "<13>Nov", "<13>Nov 25 10:00:0", "<13>Nov 25 10:00:00",
        "<13>Nov 25 10:00:00 ", "<13>Nov 25 10:00:00 host", "<13>2026-11-25T10:00:00",
        "<13>2026-11-25T10:00:00+01", "prog[", "prog[12", "prog:", ":", "[", " ", "a:b",
        "<13>Nov 25 10:00:00 host:", "<13>2026-11-25T10:00:00.", "\u{00e9}t\u{00e9}: x",
    ])
    func noCrash(line: String) {
        let m = LogMessage()
        if SyslogParser.parseRFC3164(Array(line.utf8), into: m) { #expect(m[.message] != nil) }
    }

    @Test("an empty line gives an empty message and nothing else")
    func emptyLine() {
        let m = parse("")
        #expect(m.pri == 13)
        #expect(m.entries.map(\.handle) == [.message])
        #expect(m.text(.message) == "")
    }

    @Test("unclosed pid bracket: the PID ends at the space, as syslog-ng reads it")
    func unclosedPid() {
        let m = parse("prog[12 text")
        #expect(m.text(.program) == "prog")
        #expect(m[.pid] == .string("12"))
        #expect(m.text(.message) == "text")
    }

    @Test("BSD stamps take the year of now", arguments: [
        // (line, now as Unix seconds, expected wall clock)
        ("<13>Jun 15 12:00:00 h p: m", Int64(1_795_572_797), "2026-06-15 12:00:00"),
        // A December stamp read in January belongs to the previous year (now: 2027-01-01T00:30Z).
        ("<13>Dec 31 23:59:59 h p: m", 1_798_763_400, "2026-12-31 23:59:59"),
        // A January stamp read in December belongs to the next year (now: 2026-12-31T23:00Z).
        ("<13>Jan  1 00:00:01 h p: m", 1_798_758_000, "2027-01-01 00:00:01"),
        // Explicit year wins.
        ("<13>Dec 31 2020 23:59:59 h p: m", 1_798_763_400, "2020-12-31 23:59:59"),
    ])
    func bsdYear(line: String, now: Int64, expected: String) {
        let m = parse(line, now: LogStamp(seconds: now, utcOffset: 0))
        #expect(wallClock(m.stamp) == expected)
        #expect(m.text(.host) == "h")
        #expect(m.text(.message) == "m")
    }
}
