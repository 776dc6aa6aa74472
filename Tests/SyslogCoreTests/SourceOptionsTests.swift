import Testing
import SyslogConfig
import SyslogCore
import SyslogMessage

/// Posts `messages` through `source s1 { test-src(OPTIONS); }` and returns what `d` rendered
/// with `template`.
private func render(_ template: String, sourceOptions: String = "", globals: String = "",
                    _ messages: [LogMessage]) throws -> [String] {
    let h = Harness(messages: ["s1": messages])
    let c = try h.run("""
        options { \(globals) };
        source s1 { test-src(\(sourceOptions)); };
        destination d { collect(template("\(template)")); };
        log { source(s1); destination(d); };
        """)
    return c.lines("d")
}

private let local = GlobalOptions.hostname()

@Suite("Source options applied when posting")
struct SourceOptionsTests {
    @Test("$SOURCE is the statement name and .source.<name> is tagged")
    func sourceNameAndTag() throws {
        let lines = try render("$SOURCE|$TAGS", [msg("a")])
        #expect(lines == ["s1|.source.s1"])
    }

    @Test("keep-hostname(no), the default, replaces HOST with the sender")
    func keepHostnameNo() throws {
        let lines = try render("$HOST|$HOST_FROM", [
            msg("a", host: "orig", address: "10.1.2.3"),
            msg("b", address: "10.1.2.3"),
            msg("c", host: "orig"),
        ])
        #expect(lines == ["10.1.2.3|10.1.2.3", "10.1.2.3|10.1.2.3", "\(local)|\(local)"])
    }

    @Test("keep-hostname(yes) keeps a HOST the message has", arguments: [
        ("keep-hostname(yes)", ""), ("", "keep-hostname(yes);"),
    ])
    func keepHostnameYes(sourceOption: String, globalOption: String) throws {
        let lines = try render("$HOST|$HOST_FROM", sourceOptions: sourceOption, globals: globalOption, [
            msg("a", host: "orig", address: "10.1.2.3"),
            msg("b", address: "10.1.2.3"),
        ])
        #expect(lines == ["orig|10.1.2.3", "10.1.2.3|10.1.2.3"])
    }

    @Test("the source's keep-hostname() overrides the global one")
    func keepHostnameSourceWins() throws {
        let lines = try render("$HOST", sourceOptions: "keep-hostname(no)", globals: "keep-hostname(yes);",
                               [msg("a", host: "orig", address: "10.1.2.3")])
        #expect(lines == ["10.1.2.3"])
    }

    @Test("chain-hostnames(yes) appends the sender to the original host")
    func chainHostnames() throws {
        let lines = try render("$HOST", sourceOptions: "chain-hostnames(yes)", [
            msg("a", host: "orig", address: "10.1.2.3"),
            msg("b", address: "10.1.2.3"),
        ])
        #expect(lines == ["orig/10.1.2.3", "10.1.2.3/10.1.2.3"])
    }

    @Test("keep-hostname(yes) wins over chain-hostnames(yes) when the message has a HOST")
    func keepHostnameBeatsChain() throws {
        let lines = try render("$HOST", sourceOptions: "keep-hostname(yes) chain-hostnames(yes)", [
            msg("a", host: "orig", address: "10.1.2.3"),
        ])
        // syslog-ng only mangles HOST when keep-hostname is off or HOST is empty
        // (log_source_mangle_hostname), so the HOST stays "orig".
        #expect(lines == ["orig"])
    }

    @Test("host-override() and program-override() replace HOST and PROGRAM")
    func overrides() throws {
        let lines = try render("$HOST|$PROGRAM|$MSG",
                               sourceOptions: #"host-override("forced") program-override("prog2")"#,
                               [msg("a", program: "p1", host: "orig", address: "10.1.2.3"), msg("b")])
        #expect(lines == ["forced|prog2|a", "forced|prog2|b"])
    }

    @Test("tags() adds tags before the .source tag, without duplicates")
    func tags() throws {
        let m = msg("a")
        m.addTag("pre")
        m.addTag("t2")
        let lines = try render("$TAGS", sourceOptions: #"tags("t1", "t2")"#, [m])
        #expect(lines == ["pre,t2,t1,.source.s1"])
    }

    @Test("default-facility() and default-severity() set the PRI parts", arguments: [
        ("default-facility(local0)", "local0.notice"),
        ("default-severity(err)", "user.err"),
        ("default-facility(mail) default-severity(debug)", "mail.debug"),
        ("default-level(warning)", "user.warning"),
        ("default-priority(crit)", "user.crit"),
    ])
    func defaults(options: String, expected: String) throws {
        let lines = try render("${FACILITY}.${LEVEL}", sourceOptions: options, [msg("a")])
        #expect(lines == [expected])
    }

    @Test("a syslog-parsing source uses default-facility() only for lines without <PRI>")
    func defaultsKeepParsedPri() {
        var o = SourceOptions()
        o.defaultFacility = 16
        let parsed = LogMessage()
        SyslogParser.parseRFC3164(Array("<11>prog: text".utf8), into: parsed, defaultPriority: o.defaultPriority)
        #expect(parsed.pri == 11)
        let bare = LogMessage()
        SyslogParser.parseRFC3164(Array("prog: text".utf8), into: bare, defaultPriority: o.defaultPriority)
        #expect(bare.pri == 16 * 8 + 5)
    }

    @Test("unknown facility or severity names are config errors")
    func badDefaults() throws {
        let h = Harness()
        for (option, text) in [("default-facility(bogus)", "Unknown facility 'bogus'"),
                               ("default-severity(loud)", "Unknown severity 'loud'")] {
            #expect {
                _ = try h.build("""
                    source s1 { test-src(\(option)); };
                    destination d { collect(); };
                    log { source(s1); destination(d); };
                    """)
            } throws: { ($0 as? ConfigError)?.message == text }
        }
    }
}
