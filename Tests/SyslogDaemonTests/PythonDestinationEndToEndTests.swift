import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Python destinations (`destination d { python(class(…)); };`) through the real binary: the DS
/// cases of spec/python-api.md §13.9 and the result semantics of §10. Fixtures in `pdtest.py`.
@Suite(.timeLimit(.minutes(2))) struct PythonDestinationEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// `count` fetched messages `msg 1`…`msg N` into `python(<driver>)`, flow-controlled.
    static func config(_ s: Scratch, driver: String, count: Int = 3, extra: String = "") -> String {
        """
        source s { python-fetcher(class("pftest.Counter") options("count" => \(count)) fetch-no-data-delay(0.1)); };
        destination d { python(\(driver)); };
        log { source(s); destination(d); flags(flow-control); };
        \(extra)
        """
    }

    /// The texts the destination accepted, in order.
    static func sent(_ s: Scratch) -> [String] { s.values("sent") }

    @Test("SUCCESS, persist_name/seqnum/template_options before init(), lifecycle order")
    func basics() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 3 }
        #expect(s.value("init") == "python(pdtest.Recorder) 0 LogTemplateOptions")
        #expect(s.values("send").map { $0.split(separator: " ").last.map(String.init) ?? "" } == ["1", "2", "3"])
        let order = s.reportLines.map { $0.split(separator: " ").first.map(String.init) ?? "" }.filter { ["init", "open", "close", "deinit"].contains($0) }
        #expect(order == ["init", "open", "close", "deinit"], "\(s.reportLines)")
        let s2 = Scratch()
        s2.write(Self.config(s2, driver: #"class("pdtest.Recorder") persist-name("mine")"#, count: 1))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { Self.sent(s2).count == 1 }
        #expect(s2.value("init")?.hasPrefix("python.mine ") == true)
    }

    @Test("The destination's frac-digits() and time-zone() are the defaults of self.template_options")
    func templateOptions() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Stamped") frac-digits(3) time-zone("+02:00")"#, count: 1))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("stamped") != nil }
        let stamp = s.value("stamped") ?? ""
        #expect(stamp.hasSuffix("+02:00"), "\(stamp)")
        #expect(stamp.split(separator: ".").last?.prefix(3).allSatisfy(\.isNumber) == true && stamp.count == 29, "\(stamp)")
        // Without them: the global ones (no fraction, the stamp's own zone).
        let s2 = Scratch()
        s2.write(Self.config(s2, driver: #"class("pdtest.Stamped")"#, count: 1))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { s2.value("stamped") != nil }
        #expect(s2.value("stamped")?.count == 25, "\(s2.value("stamped") ?? "")")
    }

    @Test("stats_written_bytes_add() shows in the statistics as written_bytes")
    func writtenBytes() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") options("count_bytes" => True)"#, count: 12))
        let d = try s.start()
        #expect(waitUntil { Self.sent(s).count == 12 })
        // "msg 1".."msg 9" are 5 bytes, "msg 10".."msg 12" 6.
        var stats = ""
        #expect(waitUntil {
            stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
            return stats.contains("dst.python;d#0;python(pdtest.Recorder);a;written_bytes;63\n")
        }, "\(stats)")
        #expect(d.stop() == 0)
    }

    @Test("LM-08 a value set by reference to part of another (a match stored by store-matches) reads as those bytes; other paths keep their copy")
    func indirectValues() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 2) fetch-no-data-delay(0.1)); };
            destination d1 { python(class("pdtest.Values") options("names" => "indirect,2,0")); };
            destination d2 { python(class("pdtest.Values") options("names" => "indirect") persist-name("other")); };
            log { source(s); filter { match("(?<indirect>m(s)g) [0-9]" value("MESSAGE") flags(store-matches)); };
                  destination(d1); flags(flow-control); };
            log { source(s); destination(d2); flags(flow-control); };
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.values("values").count == 4 }
        let values = s.values("values")
        #expect(values.filter { $0.hasPrefix("b'msg'") } == ["b'msg' b's' b'msg 1'", "b'msg' b's' b'msg 2'"], "\(values)")
        #expect(values.filter { $0 == "None" }.count == 2, "\(values)")
    }

    @Test("batch-timeout(): queued messages wait that long after the first for more before a flush; without it, a dry queue flushes at once; batch-lines() flushes a full batch")
    func batchTimeout() throws {
        /// (seconds from the first queued message to the first flush, that flush's batch size).
        func firstFlush(_ driver: String, count: Int = 3) throws -> (delay: Double, size: Int) {
            let s = Scratch()
            s.write(Self.config(s, driver: driver, count: count))
            _ = try PythonSourceEndToEndTests.runUntil(s) {
                s.values("batch_flush").reduce(0) { $0 + (Int($1.split(separator: " ")[1]) ?? 0) } == count
            }
            let queued = Double(s.value("batch_queued") ?? "") ?? 0
            let flush = (s.value("batch_flush") ?? "0 0").split(separator: " ")
            return ((Double(flush[0]) ?? 0) - queued, Int(flush[1]) ?? 0)
        }
        let timed = try firstFlush(#"class("pdtest.Batcher") batch-lines(100) batch-timeout(600)"#)
        #expect(timed.delay >= 0.5 && timed.delay < 3, "\(timed)")
        #expect(timed.size == 3)
        let prompt = try firstFlush(#"class("pdtest.Batcher") batch-lines(100)"#)
        #expect(prompt.delay < 0.4, "\(prompt)")
        let full = try firstFlush(#"class("pdtest.Batcher") batch-lines(2) batch-timeout(5000)"#, count: 4)
        #expect(full.size == 2 && full.delay < 1, "\(full)")
    }

    @Test("DS-03 send() returning None is an error: retried retries() times in all, then dropped (counted); the next message goes on")
    func sendReturnsNone() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") retries(2) options("script" => "NONE NONE")"#, count: 2))
        let d = try s.start()
        #expect(waitUntil { Self.sent(s).count == 1 })
        // The drop is counted.
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(stats.contains("dst.python;d#0;python(pdtest.Recorder);a;dropped;1\n"), "\(stats)")
        #expect(d.stop() == 0)
        #expect(s.values("send").map { String($0.split(separator: " ").prefix(2).joined(separator: " ")) }
                == ["msg1 NONE", "msg1 NONE", "msg2 SUCCESS"])
        #expect(s.stderr.contains("python-dest: Error converting the result of send()"), "\(s.stderr)")
        #expect(s.stderr.contains("Multiple failures while sending message, message dropped"))
    }

    @Test("A send() that raises is retried retries() times in all, then dropped and counted; the next message goes on")
    func sendRaisesDropped() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") retries(3) options("script" => "RAISE RAISE RAISE")"#, count: 2))
        let d = try s.start()
        #expect(waitUntil { Self.sent(s).count == 1 })
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(stats.contains("dst.python;d#0;python(pdtest.Recorder);a;dropped;1\n"), "\(stats)")
        #expect(d.stop() == 0)
        #expect(s.values("send").map { String($0.split(separator: " ").prefix(2).joined(separator: " ")) }
                == ["msg1 RAISE", "msg1 RAISE", "msg1 RAISE", "msg2 SUCCESS"])
        #expect(s.stderr.contains("send failed on purpose"), "\(s.stderr)")
        #expect(s.stderr.contains("Multiple failures while sending message, message dropped"))
    }

    @Test("ERROR, False and an exception are retried after close()/open(); a message handed to send() is read-only")
    func errorsRetried() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") retries(5) options("script" => "ERROR FALSE RAISE WRITE")"#, count: 2))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 2 }
        #expect(s.values("send").map { String($0.split(separator: " ").prefix(2).joined(separator: " ")) }
                == ["msg1 ERROR", "msg1 FALSE", "msg1 RAISE", "msg1 WRITE", "msg1 SUCCESS", "msg2 SUCCESS"])
        #expect(s.values("close").count >= 4)
        #expect(s.stderr.contains("send failed on purpose"))
        #expect(s.stderr.contains("TypeError"), "\(s.stderr)")
    }

    @Test("NOT_CONNECTED keeps the message: close(), open() and the same message again, nothing missing")
    func notConnected() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") options("script" => "SUCCESS NOT_CONNECTED NOT_CONNECTED")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 3 }
        #expect(Self.sent(s) == ["msg 1", "msg 2", "msg 3"])
        #expect(s.values("open").count == 3)
    }

    @Test("QUEUED messages are acknowledged by flush(); a failed flush() sends them again")
    func queuedAndFlush() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") options("script" => "QUEUED QUEUED QUEUED" "flush" => "ERROR")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 3 }
        // msg 1..3 queued, the flush failed, all three sent again (and delivered).
        #expect(s.values("queued") == ["msg 1", "msg 2", "msg 3"])
        #expect(Self.sent(s) == ["msg 1", "msg 2", "msg 3"])
        #expect(s.values("flush").first == "ERROR")
        // Flow control: a window of 2 with QUEUED results that flush() acknowledges.
        let s2 = Scratch()
        s2.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 10) log-iw-size(2)
                                      fetch-no-data-delay(0.1)); };
            destination d { python(class("pdtest.Recorder") batch-lines(2)
                                   options("script" => "QUEUED QUEUED QUEUED QUEUED QUEUED QUEUED QUEUED QUEUED QUEUED QUEUED")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s2) { s2.values("queued").count == 10 && s2.values("flush").count >= 5 }
        #expect(s2.values("queued").count == 10)
    }

    @Test("DS-04 open() returning None: one warning, treated as success; open() False: retried")
    func openResults() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") options("open" => "F NONE")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 3 }
        #expect(s.values("open").prefix(2) == ["F", "NONE"])
        #expect(s.stderr.ranges(of: "open() returned None").count == 1, "\(s.stderr)")
    }

    @Test("DS-05 a class not derived from LogDestination, or without send(): start-up fails with exit code 2")
    func bindingErrors() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.NotADestination")"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["class is not a subclass of LogDestination"])
        let s2 = Scratch()
        s2.write(Self.config(s2, driver: #"class("pdtest.NoSend")"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s2, ["class does not have a send() method"])
    }

    @Test("A reload while the destination is not connected: the queued messages reach the new instance, once each")
    func queueSurvivesReload() throws {
        let s = Scratch()
        let gate = s.dir + "/gate"
        writeText(gate, "closed")
        s.write(Self.config(s, driver: #"class("pdtest.Recorder") options("gate" => "\#(gate)")"#, count: 5))
        let d = try s.start()
        #expect(waitUntil { !s.values("gated").isEmpty })
        d.signal(SIGHUP)
        #expect(waitUntil { s.values("init").count == 2 && s.values("deinit").count == 1 }, "\(s.reportLines)")
        unlink(gate)
        #expect(waitUntil { Self.sent(s).count >= 10 }, "\(s.reportLines)")
        #expect(d.stop() == 0)
        // The first configuration's five, then the second's: each exactly once.
        let sent = Self.sent(s)
        #expect(sent.count == 10)
        #expect(Array(sent.prefix(5)) == ["msg 1", "msg 2", "msg 3", "msg 4", "msg 5"])
    }

    @Test("DS-02 a static generate_persist_name names the destination python.<name>")
    func generatedPersistName() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pdtest.Named") options("key" => "value")"#, count: 1))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.sent(s).count == 1 }
        #expect(s.value("init")?.hasPrefix("python.value ") == true, "\(s.reportLines)")
        let stats = s.stderr
        #expect(!stats.contains("Failed while generating persist name"))
    }

    @Test("examples/python-destination.conf: its batch writer writes every message once, in order")
    func batchWriterExample() throws {
        let s = Scratch()
        #expect(try DaemonProcess.run(["-s", "-f", DaemonProcess.packageRoot + "/examples/python-destination.conf"], dir: s.dir) == 0)
        let out = s.dir + "/events.jsonl"
        s.write(Self.config(s, driver: #"class("batch_writer.BatchWriter") options("path" => "\#(out)") batch-lines(10)"#, count: 25))
        let env = PythonSourceEndToEndTests.Scratch.withExamples
        _ = try PythonSourceEndToEndTests.runUntil(s, env: env) { lines(out).count == 25 }
        let messages = lines(out).map { $0.split(separator: "\"").dropLast().last.map(String.init) ?? "" }
        #expect(messages == (1...25).map { "msg \($0)" })
    }

    @Test("DS-01 value-pairs(): send() gets a dict of the selected names, typed values kept")
    func valuePairs() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 2) fetch-no-data-delay(0.1)); };
            parser p { python(class("pdtest.CopyParser")); };
            destination d { python(class("pdtest.PairsRecorder")
                                   value-pairs(key('MESSAGE') pair('HOST', 'bzorp') pair('DATE', '$ISODATE') key('n'))); };
            log { source(s); parser(p); destination(d); };
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.values("pairs").count == 2 }
        #expect(s.values("pairs_type") == ["dict", "dict"])
        let first = s.values("pairs").first ?? ""
        #expect(first.hasSuffix(" bzorp msg 1"), "\(first)")
        #expect(first.split(separator: " ").first?.contains("T") == true)
        #expect(s.values("pairs_keys").first == "DATE,HOST,MESSAGE,n")
        #expect(s.values("pairs_n").first == "5")
        // A wrong option inside value-pairs() is a configuration error.
        let s2 = Scratch()
        s2.write(PythonDestinationEndToEndTests.config(s2, driver: #"class("pdtest.PairsRecorder") value-pairs(bogus('x'))"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s2, code: 1, ["Unknown value-pairs() option 'bogus'"])
    }
}
