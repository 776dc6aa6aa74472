import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Python parsers (`parser p { python(class(…)); };`) through the real binary: the PP cases of
/// spec/python-api.md §13.9, and a parser feeding a Python destination across a reload.
@Suite(.timeLimit(.minutes(2))) struct PythonParserEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    @Test("PP-01 a parser's values reach the templates; each reference is an instance of its own; the other path is untouched")
    func parserSetsValues() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 3) fetch-no-data-delay(0.1)); };
            parser p { python(class("pdtest.CopyParser")); };
            destination d { file("\(s.out)" template("$MSG|$FOOBAR|$(format-json --key n)\\n")); };
            destination d_plain { file("\(s.dir)/plain.log" template("$MSG|$FOOBAR\\n")); };
            log { source(s); destination(d_plain); };
            log { source(s); parser(p); destination(d); };
            log { source(s); parser(p); destination(d_plain); flags(final); };
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.out).count == 3 && lines(s.dir + "/plain.log").count == 6 }
        #expect(lines(s.out) == (1...3).map { "msg \($0)|msg \($0)|{\"n\":5}" })
        // The first path got the message before any parser ran: its copy has no FOOBAR.
        #expect(Set(lines(s.dir + "/plain.log")) == Set((1...3).flatMap { ["msg \($0)|", "msg \($0)|msg \($0)"] }))
        #expect(Set(s.values("parser_init")).count == 2)
        #expect(s.values("parser_deinit").count == 2)
    }

    @Test("PP-02 a parser returning False or raising drops the message from that path only; the exception is logged")
    func parserDrops() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 6) fetch-no-data-delay(0.1)); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            destination d_all { file("\(s.dir)/all.log" template("$MSG\\n")); };
            log { source(s); parser { python(class("pdtest.DropOdd")); }; destination(d); };
            log { source(s); destination(d_all); };
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.dir + "/all.log").count == 6 && lines(s.out).count == 3 }
        #expect(lines(s.out) == ["msg 2", "msg 4", "msg 6"])
        #expect(s.stderr.contains("parser failed on purpose") && s.stderr.contains("function='parse'"), "\(s.stderr)")
    }

    @Test("A parser class that is not a LogParser: start-up fails with exit code 2")
    func parserBindingError() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter")); };
            parser p { python(class("pdtest.NotAParser")); };
            destination d { file("\(s.out)"); };
            log { source(s); parser(p); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["class is not a subclass of LogParser"])
    }

    @Test("fetcher → Python parser → Python destination failing its first sends, QUEUED with a failing flush, across a SIGHUP: every message exactly once")
    func exactlyOnceAcrossReload() throws {
        let s = Scratch()
        let total = 300
        // The fetcher's numbers go on across the reload, so every message of the run is unique.
        s.write("""
            source s { python-fetcher(class("pftest.GlobalCounter") options("total" => \(total)) fetch-no-data-delay(0.1)
                                      log-iw-size(20)); };
            parser p { python(class("pdtest.CopyParser")); };
            destination d { python(class("pdtest.FlakyQueued") retries(10) batch-lines(7)); };
            log { source(s); parser(p); destination(d); flags(flow-control); };
            """)
        let d = try s.start()
        #expect(waitUntil { s.values("delivered").count >= 20 }, "\(s.stderr)")
        d.signal(SIGHUP)
        #expect(waitUntil { s.stderr.contains("Configuration reload finished") })
        #expect(waitUntil(timeout: 30) { s.values("delivered").count >= total }, "\(s.values("delivered").count)\n\(s.stderr)")
        usleep(300_000)
        #expect(d.stop() == 0)
        let delivered = s.values("delivered")
        #expect(delivered.count == total, "\(delivered.count) delivered")
        #expect(Set(delivered) == Set((1...total).map { "msg \($0)" }))
        #expect(s.stderr.contains("flush() failed"))
    }

    @Test("examples/python-parser.conf: typed key=value pairs and the masking template function")
    func parserExample() throws {
        let s = Scratch()
        #expect(try DaemonProcess.run(["-s", "-f", DaemonProcess.packageRoot + "/examples/python-parser.conf"], dir: s.dir) == 0)
        s.write("""
            python {
            import syslogng
            class Lines(syslogng.LogFetcher):
                def init(self, options):
                    self.items = ["pay user=ann amount=42 card=4111111111111111", "no pairs"]
                    return True
                def fetch(self):
                    if not self.items:
                        return (self.NO_DATA,)
                    return (self.SUCCESS, syslogng.LogMessage(self.items.pop(0)))
            };
            source s { python-fetcher(class(Lines) fetch-no-data-delay(0.1)); };
            parser p_kv { python(class("enrich.KeyValues") options("prefix" => "kv.")); };
            destination d { file("\(s.out)" template("$(format-json --key kv.* --exclude kv.card --pair card=$(python enrich.mask ${kv.card}))\\n")); };
            log { source(s); parser(p_kv); destination(d); };
            """)
        let env = PythonSourceEndToEndTests.Scratch.withExamples
        _ = try PythonSourceEndToEndTests.runUntil(s, env: env) { lines(s.out).count == 1 }
        usleep(300_000)
        #expect(lines(s.out) == [#"{"kv":{"user":"ann","amount":42},"card":"************1111"}"#])
    }

    @Test("A daemon thread keeps one Python thread state: every parse() call on it is the same Dummy thread, threading.local() survives")
    func oneThreadStatePerThread() throws {
        let s = Scratch()
        s.write("""
            source s { stdin(); };
            parser p { python(class("pdtest.ThreadNames")); };
            destination d { file("\(s.out)"); };
            log { source(s); parser(p); destination(d); };
            """)
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: s.conf, dir: s.dir), dir: s.dir,
                                  environment: s.environment(), stdinPipe: true)
        for i in 0..<50 { d.writeStdin("<13>Dec  1 10:00:00 host prog: line \(i)\n") }
        #expect(waitUntil { s.values("parse_thread").count == 50 })
        #expect(d.stop() == 0)
        let calls = s.values("parse_thread")
        let names = Set(calls.map { $0.split(separator: " ").first.map(String.init) ?? "" })
        #expect(names.count == 1 && names.first?.hasPrefix("Dummy") == true, "\(names)")
        // threading.local() data lives as long as the thread (one state per thread, not per call).
        let counts: [String] = calls.map { c in String(c.split(separator: " ").last ?? "") }
        let expected: [String] = (1...50).map { String($0) }
        #expect(counts == expected)
    }
}

/// `@version` below 4.0: Python parsers and destinations in syslog-ng's compatibility mode.
@Suite(.timeLimit(.minutes(2))) struct PythonCompatibilityModeTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    static func config(_ s: Scratch, version: String) -> String {
        """
        @version: \(version)
        python {
        import syslogng, pstest
        class One(syslogng.LogFetcher):
            def init(self, options):
                self.sent = False
                return True
            def fetch(self):
                if self.sent:
                    return (self.NO_DATA,)
                self.sent = True
                m = syslogng.LogMessage("hello")
                m["n"] = 25
                return (self.SUCCESS, m)
        class PlainParser(object):
            def parse(self, msg):
                pstest.check("lm03", lambda: (msg["n"], msg["missing"]))
                pstest.check("lm03_set", lambda: msg.__setitem__("x", 42))
                msg["y"] = "ok"
                return True
        class PlainDest(object):
            def send(self, msg):
                pstest.check("ds05", lambda: (msg["y"], msg["n"]))
                return True
        };
        source s { python-fetcher(class(One) fetch-no-data-delay(0.1)); };
        parser p { python(class(PlainParser)); };
        destination d { python(class(PlainDest)); };
        log { source(s); parser(p); destination(d); };
        """
    }

    @Test("LM-03 DS-05 @version 3.38: plain classes accepted with a warning; values read as bytes, unset b'', only str/bytes settable")
    func compatibilityMode() throws {
        let s = Scratch()
        writeText(s.conf, Self.config(s, version: "3.38"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("ds05") != nil }
        #expect(s.value("lm03") == "=> (b'25', b'')")
        #expect(s.value("lm03_set")?.hasPrefix("!! TypeError") == true)
        #expect(s.value("ds05") == "=> (b'ok', b'25')")
        #expect(s.stderr.contains("compatibility mode"))
        // The same classes at 4.x are refused.
        let s2 = Scratch()
        writeText(s2.conf, Self.config(s2, version: "4.8"))
        try PythonSourceEndToEndTests.expectStartupFailure(s2, ["is not a subclass of"])
    }
}
