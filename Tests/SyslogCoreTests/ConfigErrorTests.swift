import Testing
import SyslogConfig
import SyslogCore

/// The configuration error building `text` throws, or nil.
private func buildError(_ text: String) -> ConfigError? {
    do {
        _ = try Harness().build(text)
        return nil
    } catch {
        return error
    }
}

/// `description`'s first line: "Error parsing config, MESSAGE in test.conf:L:C-L:C".
private func header(_ e: ConfigError?) -> String {
    e.map { String($0.description.split(separator: "\n").first ?? "") } ?? "<no error>"
}

private let base = """
    source s1 { test-src(); };
    destination d1 { collect(); };

    """

@Suite("Configuration errors found while building")
struct ConfigErrorTests {
    @Test("builder errors name the problem and point at line:column", arguments: [
        // (config after `base`, message, location in description: the reference item, the
        // whole duplicate statement, the driver or option name)
        ("log { source(s_missing); destination(d1); };",
         "Reference to undefined source 's_missing'", "test.conf:3:7-3:24"),
        ("log { source(s1); filter(f_missing); destination(d1); };",
         "Reference to undefined filter 'f_missing'", "test.conf:3:19-3:36"),
        ("log { source(s1); destination(d_missing); };",
         "Reference to undefined destination 'd_missing'", "test.conf:3:19-3:41"),
        ("source s1 { test-src(); };",
         "Duplicate source name 's1'", "test.conf:3:1-3:26"),
        ("destination d1 { collect(); };",
         "Duplicate destination name 'd1'", "test.conf:3:1-3:30"),
        ("filter f { level(err); };\nfilter f { level(info); };",
         "Duplicate filter name 'f'", "test.conf:4:1-4:26"),
        ("source s2 { bogus(); };\nlog { source(s2); destination(d1); };",
         "Unknown source driver 'bogus'; known drivers: test-src", "test.conf:3:13-3:18"),
        ("destination d2 { bogus_dest(); };\nlog { source(s1); destination(d2); };",
         "Unknown destination driver 'bogus_dest'; known drivers: blocking, collect", "test.conf:3:18-3:28"),
        ("options { bogus-option(1); };",
         "Unknown global option 'bogus-option'", "test.conf:3:11-3:23"),
        ("options { log-fifo-size(0); };",
         "Option log-fifo-size() must be positive, got 0", "test.conf:3:11-3:24"),
        ("log { source(s1); destination(d1); flags(sometimes); };",
         "Unknown log path flag 'sometimes'; known flags: final, fallback, catchall, flow-control", "test.conf:3:1-3:55"),
        ("destination d2 { collect(bogus(1)); };\nlog { source(s1); destination(d2); };",
         "Unknown option 'bogus' for destination driver collect(); known options: frac-digits, log-fifo-size, persist-name, send-time-zone, stall-timeout, template, template-escape, time-reopen, time-zone, ts-format",
         "test.conf:3:26-3:31"),
        ("log { source(s1); log { source(s1); destination(d1); }; };",
         "source() is only supported in top-level log statements", "test.conf:3:25-3:35"),
    ])
    func builderErrors(text: String, message: String, location: String) {
        let e = buildError(base + text)
        #expect(e?.message == message)
        #expect(header(e) == "Error parsing config, \(message) in \(location):")
    }

    @Test("the description carries an excerpt with the offending line marked")
    func excerpt() {
        let e = buildError(base + "log { source(s_missing); destination(d1); };")
        let lines = e?.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
        #expect(lines.count == 5)
        #expect(lines.dropFirst().first == "1       source s1 { test-src(); };")
        #expect(lines.last == "3----->       ^^^^^^^^^^^^^^^^^")
    }

    @Test("an unknown option of a test source names the source driver")
    func unknownSourceOption() {
        let e = buildError(base + "source s2 { test-src(nonsense(yes)); };\nlog { source(s2); destination(d1); };")
        #expect(e?.message.hasPrefix("Unknown option 'nonsense' for source driver test-src(); known options: ") == true)
    }

    @Test("a valid configuration builds")
    func valid() throws {
        let p = try Harness().build(base + "log { source(s1); destination(d1); };")
        #expect(p.sources.map(\.name) == ["s1"])
        #expect(p.destinations.map(\.statementName) == ["d1"])
        #expect(p.destinations.first?.spec.persistName == "collect:d1")
        #expect(p.paths.count == 1)
    }

    @Test("unknown drivers and options are errors even where no log path uses them")
    func unusedStatementsAreChecked() {
        // syslog-ng rejects these while parsing; docs/configuration.md promises the same.
        let source = buildError(base + "source s2 { bogus(); };\nlog { source(s1); destination(d1); };")
        let option = buildError(base + "destination d2 { collect(bogus(1)); };\nlog { source(s1); destination(d1); };")
        #expect(source?.message == "Unknown source driver 'bogus'; known drivers: test-src")
        #expect(option?.message.hasPrefix("Unknown option 'bogus' for destination driver collect()") == true)
    }

    @Test("duplicate persist names fail Pipeline.initialize")
    func duplicatePersistNames() throws {
        let p = try Harness().build("""
            source s1 { test-src(); };
            destination d1 { collect(persist-name("same")); };
            destination d2 { collect(persist-name("same")); };
            log { source(s1); destination(d1); destination(d2); };
            """)
        #expect(p.destinations.map(\.spec.persistName) == ["same", "same"])
        #expect {
            try p.initialize()
        } throws: { error in
            guard let e = error as? PipelineInitError else { return false }
            return e.message == "Error checking the uniqueness of the persist names, please override it with persist-name option. Shutting down."
                && e.pairs.map(\.0) == ["persist_name", "driver"]
                && e.pairs.map(\.1) == ["same", "d2"]
                && e.description == e.message + "; persist_name='same', driver='d2'"
        }
    }

    @Test("distinct persist names initialize")
    func distinctPersistNames() throws {
        let p = try Harness().build(base + "destination d2 { collect(); };\nlog { source(s1); destination(d1); destination(d2); };")
        try p.initialize()
        #expect(p.destinations.count == 2)
    }
}
