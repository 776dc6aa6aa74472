import Testing
import SyslogMessage
@testable import SyslogTemplates

struct MacroTests {
    static let cases: [(String, String)] = [
        // message stamp (plain and S_)
        ("DATE", "Nov 25 02:13:17"), ("S_DATE", "Nov 25 02:13:17"),
        ("FULLDATE", "2026 Nov 25 02:13:17"), ("ISODATE", "2026-11-25T02:13:17+01:00"),
        ("STAMP", "Nov 25 02:13:17"), ("UNIXTIME", "1795569197"), ("YEAR", "2026"), ("MONTH", "11"),
        ("MONTH_ABBREV", "Nov"), ("MONTH_NAME", "November"), ("MONTH_WEEK", "4"), ("DAY", "25"),
        ("HOUR", "02"), ("HOUR12", "02"), ("MIN", "13"), ("SEC", "17"), ("MSEC", "123"),
        ("USEC", "123456"), ("AMPM", "AM"), ("WEEK_DAY", "4"), ("WEEKDAY", "Wed"),
        ("WEEK_DAY_ABBREV", "Wed"), ("WEEK_DAY_NAME", "Wednesday"), ("WEEK", "47"), ("ISOWEEK", "48"),
        ("YEAR_DAY", "329"), ("TZ", "+01:00"), ("TZOFFSET", "+01:00"),
        ("S_ISODATE", "2026-11-25T02:13:17+01:00"), ("S_UNIXTIME", "1795569197"), ("S_HOUR12", "02"),
        // received stamp
        ("R_DATE", "Nov 24 22:14:15"), ("R_FULLDATE", "2026 Nov 24 22:14:15"),
        ("R_ISODATE", "2026-11-24T22:14:15-05:00"), ("R_STAMP", "Nov 24 22:14:15"),
        ("R_UNIXTIME", "1795576455"), ("R_YEAR", "2026"), ("R_MONTH", "11"), ("R_MONTH_ABBREV", "Nov"),
        ("R_MONTH_NAME", "November"), ("R_MONTH_WEEK", "4"), ("R_DAY", "24"), ("R_HOUR", "22"),
        ("R_HOUR12", "10"), ("R_MIN", "14"), ("R_SEC", "15"), ("R_MSEC", "000"), ("R_USEC", "000987"),
        ("R_AMPM", "PM"), ("R_WEEK_DAY", "3"), ("R_WEEKDAY", "Tue"), ("R_WEEK_DAY_ABBREV", "Tue"),
        ("R_WEEK_DAY_NAME", "Tuesday"), ("R_WEEK", "47"), ("R_ISOWEEK", "48"), ("R_YEAR_DAY", "328"),
        ("R_TZ", "-05:00"), ("R_TZOFFSET", "-05:00"),
        // other macros and builtin values
        ("HOST", "myhost"), ("HOST_FROM", "relay"), ("FULLHOST", "myhost"), ("FULLHOST_FROM", "relay"),
        ("PROGRAM", "prog"), ("PID", "123"), ("MSGID", "ID47"), ("MSGHDR", "prog[123]: "),
        ("MSG", "hello world"), ("MESSAGE", "hello world"), ("PRI", "165"), ("FACILITY", "local4"),
        ("FACILITY_NUM", "20"), ("LEVEL", "notice"), ("PRIORITY", "notice"), ("SEVERITY", "notice"),
        ("LEVEL_NUM", "5"), ("SEVERITY_NUM", "5"), ("TAG", "a5"), ("BSDTAG", "5U"), ("TAGS", "t1,t2"),
        ("SOURCE", "s_net"), ("SOURCEIP", "10.1.2.3"), ("TRANSPORT", "rfc5424+tcp"), ("SEQNUM", "42"),
        ("SDATA", #"[exampleSDID@32473 iut="3" eventSource="App\"li\]ca\\tion"][b x="1"][meta sequenceId="42"]"#),
        ("RAWMSG", "raw"), ("LOGHOST", "loghost.example"),
        (".SDATA.b.x", "1"), ("msg", ""), ("NO_SUCH_VALUE", ""),
    ]

    @Test("every macro renders as syslog-ng does", arguments: cases)
    func macro(name: String, expected: String) throws {
        #expect(try Fixture.render("${\(name)}") == expected)
        if name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            #expect(try Fixture.render("$\(name)") == expected)
        }
    }

    @Test func currentTimeMacros() throws {
        let out = try Fixture.render("$C_YEAR|$C_ISODATE|$C_UNIXTIME|$C_DATE")
        let parts = out.split(separator: "|")
        #expect(parts.count == 4)
        #expect(parts[0].count == 4)
        #expect(parts[1].count == 25)
        #expect((Int64(parts[2]) ?? 0) > 1_700_000_000)
        #expect(parts[3].count == 15)
    }

    @Test func dateEdgeCases() throws {
        let m = LogMessage(stamp: LogStamp(seconds: 1_793_491_501, utcOffset: 0)) // 2026-11-01 00:05:01 Sun
        #expect(try Fixture.render("$DATE|$HOUR12|$AMPM|$MONTH_WEEK|$WEEK|$WEEK_DAY|$YEAR_DAY", message: m)
                == "Nov  1 00:05:01|12|AM|0|43|1|305")
        let noon = LogMessage(stamp: LogStamp(seconds: 1_793_880_301, utcOffset: 0)) // 2026-11-05 12:05:01 Thu
        #expect(try Fixture.render("$DATE|$HOUR12|$AMPM|$MONTH_WEEK|$ISOWEEK", message: noon)
                == "Nov  5 12:05:01|12|PM|1|45")
        let newYear = LogMessage(stamp: LogStamp(seconds: 1_798_934_400, utcOffset: 0)) // 2027-01-03 Sun
        #expect(try Fixture.render("$ISODATE|$WEEK|$ISOWEEK", message: newYear) == "2027-01-03T00:00:00+00:00|00|53")
    }

    @Test func msghdrVariants() throws {
        let m = Fixture.message()
        m[.pid] = nil
        #expect(try Fixture.render("[$MSGHDR]", message: m) == "[prog: ]")
        m[.program] = nil
        m[.pid] = .string("5")
        #expect(try Fixture.render("[$MSGHDR]", message: m) == "[]")
        m[.legacyMsghdr] = .string("legacy[1]: ")
        #expect(try Fixture.render("[$MSGHDR]", message: m) == "[legacy[1]: ]")
    }

    @Test func sdataAndDefaults() throws {
        let m = LogMessage(message: "x", stamp: Fixture.stamp)
        #expect(try Fixture.render("[$SDATA][$SEQNUM][$SOURCEIP][$TAGS]", message: m) == "[][][127.0.0.1][]")
        m[".SDATA.meta.x"] = .string("1")
        m[".SDATA.a.q"] = .string("5")
        m[".SDATA.meta.y"] = .string("2")
        #expect(try Fixture.render("$SDATA", message: m) == #"[meta x="1" y="2"][a q="5"]"#)
        m.sequence = 7
        #expect(try Fixture.render("$SDATA", message: m) == #"[meta sequenceId="7" x="1" y="2"][a q="5"]"#)
    }

    @Test func priorityNames() throws {
        let m = LogMessage(message: "x", stamp: Fixture.stamp)
        for (pri, expected) in [(0, "kern emerg 0A 00"), (31, "daemon debug 7D 1f"), (83, "authpriv err 3K 53"),
                                (106, "security crit 2N 6a"), (122, "solaris-cron crit 2P 7a"),
                                (191, "local7 debug 7X bf")] {
            m.pri = UInt16(pri)
            #expect(try Fixture.render("$FACILITY $LEVEL $BSDTAG $TAG", message: m) == expected)
        }
    }

    @Test func typedValues() throws {
        let m = LogMessage(message: "x", stamp: Fixture.stamp)
        m["i"] = .int(-42)
        m["d"] = .double(2.5)
        m["b"] = .bool(true)
        m["l"] = .list(["a", "b c"])
        #expect(try Fixture.render("$i|$d|$b|$l", message: m) == #"-42|2.500000|true|a,"b c""#)
    }
}
