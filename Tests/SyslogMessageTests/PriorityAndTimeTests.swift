import Testing
import SyslogMessage

@Suite("SyslogPriority names")
struct SyslogPriorityTests {
    @Test("severity names and aliases", arguments: [
        ("emerg", 0), ("panic", 0), ("alert", 1), ("crit", 2), ("critical", 2),
        ("err", 3), ("error", 3), ("warning", 4), ("warn", 4), ("notice", 5),
        ("info", 6), ("informational", 6), ("debug", 7), ("ERR", 3), ("Warning", 4),
    ])
    func severity(name: String, number: Int) {
        #expect(SyslogPriority.severity(named: name) == number)
    }

    @Test("unknown severity names give nil", arguments: ["", "errors", "verbose", "8", "none"])
    func unknownSeverity(name: String) {
        #expect(SyslogPriority.severity(named: name) == nil)
    }

    @Test("facility names and aliases", arguments: [
        ("kern", 0), ("user", 1), ("mail", 2), ("daemon", 3), ("auth", 4), ("security", 4),
        ("syslog", 5), ("lpr", 6), ("news", 7), ("uucp", 8), ("cron", 9), ("authpriv", 10),
        ("ftp", 11), ("ntp", 12), ("solaris-cron", 15), ("solaris_cron", 15),
        ("local0", 16), ("local5", 21), ("local7", 23), ("LOCAL7", 23), ("Mail", 2),
    ])
    func facility(name: String, number: Int) {
        #expect(SyslogPriority.facility(named: name) == number)
    }

    @Test("unknown facility names give nil", arguments: ["", "local8", "users", "1"])
    func unknownFacility(name: String) {
        #expect(SyslogPriority.facility(named: name) == nil)
    }

    @Test("numbers back to names; out of range gives the number")
    func names() {
        #expect(SyslogPriority.severityName(0) == "emerg")
        #expect(SyslogPriority.severityName(3) == "err")
        #expect(SyslogPriority.severityName(7) == "debug")
        #expect(SyslogPriority.severityName(8) == "8")
        #expect(SyslogPriority.severityName(-1) == "-1")
        #expect(SyslogPriority.facilityName(1) == "user")
        #expect(SyslogPriority.facilityName(16) == "local0")
        #expect(SyslogPriority.facilityName(23) == "local7")
        #expect(SyslogPriority.facilityName(24) == "24")
        for s in 0..<8 {
            #expect(SyslogPriority.severity(named: SyslogPriority.severityName(s)) == s)
        }
    }
}

/// year, month, day, hour, minute, second, weekday, day of year, offset.
private func fields(_ c: DateComponents) -> [Int] {
    [c.year, c.month, c.day, c.hour, c.minute, c.second, c.weekday, c.dayOfYear, Int(c.utcOffset)]
}

@Suite("CivilTime and LogStamp")
struct TimeTests {
    // Expected values checked with `date -u -d <ISO> +%s`.
    @Test("unixSeconds matches known epoch values", arguments: [
        (1970, 1, 1, 0, 0, 0, Int64(0)),
        (1969, 12, 31, 23, 59, 59, -1),
        (2000, 2, 29, 0, 0, 0, 951_782_400),
        (2026, 11, 25, 2, 13, 17, 1_795_572_797),
        (2024, 12, 31, 23, 59, 59, 1_735_689_599),
        (1900, 3, 1, 0, 0, 0, -2_203_891_200),
        (2100, 2, 28, 12, 0, 0, 4_107_499_200),
        (1600, 1, 1, 0, 0, 0, -11_676_096_000),
    ] as [(Int, Int, Int, Int, Int, Int, Int64)])
    func unixSeconds(y: Int, mo: Int, d: Int, h: Int, mi: Int, s: Int, expected: Int64) {
        #expect(CivilTime.unixSeconds(year: y, month: mo, day: d, hour: h, minute: mi, second: s) == expected)
    }

    @Test("components in the stamp's own offset")
    func componentsUTC() {
        let c = LogStamp(seconds: 1_795_572_797, microseconds: 1, utcOffset: 0).components()
        #expect(fields(c) == [2026, 11, 25, 2, 13, 17, 3, 329, 0])
    }

    @Test("components shift with a positive offset")
    func componentsEast() {
        let c = LogStamp(seconds: 1_795_572_797, utcOffset: 3600).components()
        #expect(c.hour == 3 && c.minute == 13 && c.day == 25)
        #expect(c.utcOffset == 3600)
    }

    @Test("an offset override can move the date back a day")
    func componentsOverride() {
        let c = LogStamp(seconds: 1_795_572_797, utcOffset: 0).components(offset: -18000)
        #expect(fields(c) == [2026, 11, 24, 21, 13, 17, 2, 328, -18000])
    }

    @Test("the epoch is a Thursday, day 1")
    func epoch() {
        let c = LogStamp(seconds: 0, utcOffset: 0).components()
        #expect(c.year == 1970 && c.month == 1 && c.day == 1 && c.weekday == 4 && c.dayOfYear == 1)
    }

    @Test("now() has microseconds in range and the local zone's offset")
    func now() {
        let s = LogStamp.now()
        #expect((0..<1_000_000).contains(s.microseconds))
        #expect(s.utcOffset == LocalZone.offset(at: s.seconds))
        #expect(s.seconds > 1_700_000_000)
    }
}
