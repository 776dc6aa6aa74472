import Testing
import SyslogCore
import SyslogMessage

/// Messages of several programs and severities, posted by `s1`.
private func mixed() -> [LogMessage] {
    [
        msg("one", pri: 11, program: "cron", host: "alpha"),   // user.err
        msg("two", pri: 14, program: "sshd", host: "beta"),    // user.info
        msg("three", pri: 8, program: "kernel", host: "abc1"), // user.emerg
        msg("four", pri: 15, program: "cron", host: "gamma"),  // user.debug
        msg("five", pri: 12, program: "app", host: "xabcx"),   // user.warning
    ]
}

private let dests = """
    source s1 { test-src(keep-hostname(yes)); };
    destination d1 { collect(template("$PROGRAM:$MSG")); };
    destination d2 { collect(template("$PROGRAM:$MSG")); };
    destination d3 { collect(template("$PROGRAM:$MSG")); };

    """

@Suite("Pipeline routing")
struct RoutingTests {
    @Test("level() keeps only the listed severities")
    func levelFilter() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            filter f_err { level(err..emerg); };
            log { source(s1); filter(f_err); destination(d1); };
            log { source(s1); destination(d2); };
            """)
        #expect(c.lines("d1") == ["cron:one", "kernel:three"])
        #expect(c.lines("d2").count == 5)
    }

    @Test("program() matches the program name")
    func programFilter() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log { source(s1); filter { program("^cron$"); }; destination(d1); };
            """)
        #expect(c.lines("d1") == ["cron:one", "cron:four"])
    }

    @Test("match() with value() looks at that value only")
    func matchValue() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log { source(s1); filter { match("abc" value("HOST")); }; destination(d1); };
            log { source(s1); filter { match("^t" value("MESSAGE")); }; destination(d2); };
            """)
        #expect(c.lines("d1") == ["kernel:three", "app:five"])
        #expect(c.lines("d2") == ["sshd:two", "kernel:three"])
    }

    @Test("not, and, or combine filters")
    func booleanFilters() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            filter f_cron { program("cron"); };
            filter f_combo { (filter(f_cron) or program("sshd")) and not level(debug); };
            log { source(s1); filter(f_combo); destination(d1); };
            log { source(s1); filter { not filter(f_cron); }; destination(d2); };
            log { source(s1); filter(f_cron); filter { level(debug); }; destination(d3); };
            """)
        #expect(c.lines("d1") == ["cron:one", "sshd:two"])
        #expect(c.lines("d2") == ["sshd:two", "kernel:three", "app:five"])
        #expect(c.lines("d3") == ["cron:four"])
    }

    @Test("flags(final) stops a matched message at that path")
    func finalFlag() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log { source(s1); filter { program("cron"); }; destination(d1); flags(final); };
            log { source(s1); destination(d2); };
            log { source(s1); filter { program("sshd"); }; destination(d3); flags(final); };
            log { source(s1); destination(d3); };
            """)
        #expect(c.lines("d1") == ["cron:one", "cron:four"])
        #expect(c.lines("d2") == ["sshd:two", "kernel:three", "app:five"])
        // sshd matched the final path; the others went to the last path.
        #expect(c.lines("d3") == ["sshd:two", "kernel:three", "app:five"])
    }

    @Test("flags(fallback) gets only messages no other path matched")
    func fallbackFlag() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log { source(s1); destination(d3); flags(fallback); };
            log { source(s1); filter { program("cron"); }; destination(d1); };
            log { source(s1); filter { level(emerg); }; destination(d2); };
            """)
        #expect(c.lines("d1") == ["cron:one", "cron:four"])
        #expect(c.lines("d2") == ["kernel:three"])
        #expect(c.lines("d3") == ["sshd:two", "app:five"])
    }

    @Test("nested log statements are routed as siblings under their parent's filters")
    func nested() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log {
                source(s1);
                filter { not program("kernel"); };
                log { filter { program("cron"); }; destination(d1); flags(final); };
                log { filter { level(info..emerg); }; destination(d2); };
                log { destination(d3); flags(fallback); };
            };
            """)
        #expect(c.lines("d1") == ["cron:one", "cron:four"])
        #expect(c.lines("d2") == ["sshd:two", "app:five"])
        #expect(c.lines("d3").isEmpty)
    }

    @Test("a nested fallback gets what its siblings did not match; the parent continues after them")
    func nestedFallbackThenParent() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log {
                source(s1);
                log { filter { program("cron"); }; destination(d1); };
                log { destination(d2); flags(fallback); };
                destination(d3);
            };
            """)
        #expect(c.lines("d1") == ["cron:one", "cron:four"])
        #expect(c.lines("d2") == ["sshd:two", "kernel:three", "app:five"])
        #expect(c.lines("d3").count == 5)
    }

    // Paths without filters or nested logs are routed through a precomputed destination list;
    // these pin that list to the semantics of the general router.
    @Test("no filters: final stops after the first final path; later paths get nothing")
    func directFinal() throws {
        let h = Harness(messages: ["s1": mixed()])
        let c = try h.run(dests + """
            log { source(s1); destination(d1); destination(d2); };
            log { source(s1); destination(d2); flags(final); };
            log { source(s1); destination(d3); };
            """)
        #expect(c.lines("d1").count == 5)
        #expect(c.lines("d2") == mixed().flatMap { m in Array(repeating: "\(m.text(.program)):\(m.text(.message))", count: 2) })
        #expect(c.lines("d3").isEmpty)
    }

    @Test("no filters: fallback paths get messages only when no ordinary path takes the source")
    func directFallback() throws {
        let h = Harness(messages: ["s1": [msg("a")], "s2": [msg("b")]])
        let c = try h.run(dests + """
            source s2 { test-src(); };
            log { source(s1); destination(d1); };
            log { source(s1); source(s2); destination(d2); flags(fallback); };
            log { destination(d3); flags(catchall, fallback); };
            """)
        #expect(c.lines("d1") == [":a"])
        // s2 has no ordinary path: both of its fallback paths (the catch-all one too) get it.
        #expect(c.lines("d2") == [":b"])
        #expect(c.lines("d3") == [":b"])
    }

    @Test("flags(catchall) takes messages of every source")
    func catchall() throws {
        let h = Harness(messages: ["s1": [msg("from1")], "s2": [msg("from2")]])
        let c = try h.run(dests + """
            source s2 { test-src(); };
            log { destination(d1); flags(catchall); };
            log { source(s2); destination(d2); };
            log { source(s1); filter { program("nothing"); }; destination(d3); };
            log { destination(d3); };
            """)
        #expect(c.lines("d1").sorted() == [":from1", ":from2"])
        #expect(c.lines("d2") == [":from2"])
        // A path without sources and without catchall gets nothing.
        #expect(c.lines("d3").isEmpty)
    }

    @Test("a source used by two paths feeds both; one destination in two paths gets two copies")
    func sourceInTwoPaths() throws {
        let h = Harness(messages: ["s1": [msg("a"), msg("b")]])
        let c = try h.run(dests + """
            log { source(s1); destination(d1); };
            log { source(s1); destination(d2); destination(d3); };
            log { source(s1); destination(d3); };
            """)
        #expect(c.lines("d1") == [":a", ":b"])
        #expect(c.lines("d2") == [":a", ":b"])
        #expect(c.lines("d3") == [":a", ":a", ":b", ":b"])
        #expect(h.source("s1")?.poster?.receivedCount == 2)
    }

    @Test("source() filter and the .source tag tell sources apart")
    func sourceFilter() throws {
        let h = Harness(messages: ["s1": [msg("a")], "s2": [msg("b")]])
        let c = try h.run(dests + """
            source s2 { test-src(); };
            log { source(s1); source(s2); filter { source("s2"); }; destination(d1); };
            log { source(s1); source(s2); filter { tags(".source.s1"); }; destination(d2); };
            """)
        #expect(c.lines("d1") == [":b"])
        #expect(c.lines("d2") == [":a"])
    }

    @Test("inline source and destination blocks work")
    func inlineBlocks() throws {
        let h = Harness()
        let p = try h.build("""
            log { source { test-src(); }; destination { collect(); }; };
            """)
        #expect(p.sources.count == 1)
        #expect(p.destinations.count == 1)
        #expect(p.paths.count == 1)
        #expect(p.sources.first?.name.hasPrefix("#anon-source") == true)
    }
}
