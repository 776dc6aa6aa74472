import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `python-fetcher()` through the real binary: the PF cases of spec/python-api.md §13.4.
/// Fixture fetchers live in `Tests/Fixtures/python/pftest.py`.
@Suite(.timeLimit(.minutes(2))) struct PythonFetcherEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// `source s { python-fetcher(<driver>); };` into a file.
    static func config(_ s: Scratch, driver: String, template: String = "$MSG", logFlags: String = "",
                       globals: String = "") -> String {
        """
        \(globals.isEmpty ? "" : "options { \(globals) };")
        source s { python-fetcher(\(driver)); };
        destination d { file("\(s.out)" template("\(template)\\n")); };
        log { source(s); destination(d); \(logFlags) };
        """
    }

    /// Events reported by `pftest.event`: (what, monotonic time, thread).
    static func events(_ s: Scratch) -> [(what: String, t: Double, thread: String)] {
        s.events.compactMap { e in
            let parts = e.split(separator: " ")
            guard parts.count >= 3, let t = Double(parts[parts.count - 2]) else { return nil }
            return (parts[0..<(parts.count - 2)].joined(separator: " "), t, String(parts.last!))
        }
    }

    @Test("PF-01 PF-02 PF-05 PF-06 PF-07 PF-08 PF-09 PF-10 the fetch() contract and its delays")
    func timeline() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: """
            class("pftest.Scripted") time-reopen(5) fetch-no-data-delay(0.5)
            options("opens" => "F" "script" => "NO_DATA TRY_AGAIN SUCCESS:m3 SUCCESS_ONLY RAISE NOT_CONNECTED ERROR SUCCESS_STR BAD_INT LIST SUCCESS:last")
            """, globals: "time-reopen(3);"))
        let d = try s.start(["-v"])
        #expect(waitUntil(timeout: 30) { Self.events(s).filter { $0.what.hasPrefix("fetch") }.count >= 12 },
                "\(s.reportLines)\n\(s.stderr)")
        #expect(d.stop() == 0)
        let ev = Self.events(s)
        let names = ev.map(\.what)
        let expected = ["init", "open False", "open True", "fetch NO_DATA", "fetch TRY_AGAIN", "fetch SUCCESS:m3",
                        "fetch SUCCESS_ONLY", "close", "open True", "fetch RAISE", "close", "open True",
                        "fetch NOT_CONNECTED", "open True", "fetch ERROR", "close", "open True", "fetch SUCCESS_STR",
                        "close", "open True", "fetch BAD_INT", "close", "open True", "fetch LIST", "close",
                        "open True", "fetch SUCCESS:last", "fetch NO_DATA"]
        #expect(Array(names.prefix(expected.count)) == expected, "\(names)")
        func gap(_ i: Int) -> Double { ev[i].t - ev[i - 1].t }
        // PF-01: open() retried after 1 s whatever time-reopen() says; on the fetcher thread.
        #expect(gap(2) > 0.85 && gap(2) < 1.6, "\(gap(2))")
        #expect(ev[1].thread.hasPrefix("Dummy"))
        // PF-02: the next fetch after NO_DATA waits fetch-no-data-delay(0.5).
        #expect(gap(4) > 0.4 && gap(4) < 1.0, "\(gap(4))")
        // PF-05, PF-06: after TRY_AGAIN and SUCCESS the next fetch is immediate.
        #expect(gap(5) < 0.3 && gap(6) < 0.3, "\(gap(5)) \(gap(6))")
        // PF-07, PF-08, PF-10: close() then open() 1 s later; PF-09: no close(), open() 1 s later.
        for i in [8, 11, 13, 16, 19, 22, 25] { #expect(gap(i) > 0.85 && gap(i) < 1.6, "\(i): \(gap(i)) \(names[i])") }
        // What was delivered: m3 and last only.
        #expect(lines(s.out) == ["m3", "last"])
        let err = s.stderr
        #expect(err.ranges(of: "Error in Python fetcher, fetch() must return a tuple (FetchResult, LogMessage)").count == 5, "\(err)")
        #expect(err.ranges(of: "Error during fetching messages").count == 6)
        #expect(err.contains("fetch failed on purpose") && err.contains("function='fetch'"), "\(err)")
        #expect(err.contains("Fetcher disconnected while receiving messages, reconnecting"))
    }

    @Test("PF-03 PF-04 NO_DATA without fetch-no-data-delay waits the global time-reopen()")
    func noDataDefaultDelay() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Scripted") options("script" => "NO_DATA NO_DATA")"#,
                            globals: "time-reopen(2);"))
        let d = try s.start()
        #expect(waitUntil(timeout: 15) { Self.events(s).filter { $0.what.hasPrefix("fetch") }.count >= 2 })
        #expect(d.stop() == 0)
        let fetches = Self.events(s).filter { $0.what.hasPrefix("fetch") }
        #expect(fetches.count >= 2)
        if fetches.count >= 2 {
            let g = fetches[1].t - fetches[0].t
            #expect(g > 1.8 && g < 3.0, "\(g)")
        }
    }

    @Test("PF-11 open() failing 5 times: reconnects until it works, all 10 messages delivered")
    func reconnect() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Counter") options("count" => 10 "fail" => 5)"#))
        let d = try s.start()
        #expect(waitUntil(timeout: 20) { lines(s.out).count == 10 }, "\(s.reportLines)\n\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(lines(s.out) == (1...10).map { "msg \($0)" })
        #expect((s.values("opens").compactMap { Int($0) }.max() ?? 0) >= 6)
    }

    @Test("PF-12 PF-14 PF-16 ten fetches are counted as received; constants; $TRANSPORT unset")
    func counterAndConstants() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Constants") options("count" => 10)"#,
                            template: "$MSG [$TRANSPORT]"))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 10 })
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(stats.contains("source;s;;a;processed;10\n"), "\(stats)")
        #expect(d.stop() == 0)
        #expect(lines(s.out).first == "msg 1 []")
        #expect(s.value("constants") == "=> (True, 4, True, 3, 1, 0)")
        #expect(s.value("names") == "=> []")
    }

    @Test("set_transport_name() on a fetcher sets $TRANSPORT")
    func transport() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Transport") options("count" => 2 "transport" => "api+https")"#,
                            template: "$MSG [$TRANSPORT]"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.out).count == 2 }
        #expect(lines(s.out) == ["msg 1 [api+https]", "msg 2 [api+https]"])
    }

    @Test("PF-13 SIGTERM: request_exit() on the main thread, then close() on the fetcher's, then deinit()")
    func shutdownOrder() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Scripted") fetch-no-data-delay(0.05)"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.events(s).contains { $0.what == "fetch NO_DATA" } }
        let tail = Self.events(s).filter { !$0.what.hasPrefix("fetch") && !$0.what.hasPrefix("open") && $0.what != "init" }
        #expect(tail.map(\.what) == ["request_exit", "close", "deinit"], "\(tail)")
        #expect(tail.first?.thread == "MainThread")
        #expect(tail.dropFirst().first?.thread.hasPrefix("Dummy") == true)
    }

    @Test("PF-15 a bookmark without an ack tracker: error, treated as ERROR, message not delivered")
    func bookmarkWithoutTracker() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.BookmarkNoTracker")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.values("open").count >= 2 }
        #expect(s.stderr.contains("Error in Python fetcher, bookmarks can not be used without creating an AckTracker instance (self.ack_tracker)"))
        #expect(s.stderr.contains("Error during fetching messages"))
        #expect(s.values("close").count >= 1)
        #expect(lines(s.out).isEmpty)
    }

    @Test("PF-17 window 2 into a flow-controlled destination that never acknowledges: two fetches, then none")
    func windowPausesFetching() throws {
        let s = Scratch()
        let fifo = s.dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        s.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 100) log-iw-size(2)); };
            destination d { file("\(fifo)" template("$MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let d = try s.start()
        #expect(waitUntil { s.values("fetched").count == 2 })
        usleep(700_000)
        #expect(s.values("fetched").count == 2, "\(s.reportLines)")
        // Reading the FIFO acknowledges: fetching resumes.
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(fd >= 0)
        var buf = [UInt8](repeating: 0, count: 65536)
        #expect(waitUntil {
            _ = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            return s.values("fetched").count == 100
        })
        #expect(d.stop() == 0)
        close(fd)
    }

    @Test("PF-18 generate_persist_name gives python-fetcher.<name>; persist-name() gives python-fetcher.<X>")
    func persistNames() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Named") options("count" => 1)"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("persist_name") != nil }
        #expect(s.value("persist_name") == "python-fetcher.value")
        let s2 = Scratch()
        s2.write(Self.config(s2, driver: #"class("pftest.Named") persist-name("mine") options("count" => 1)"#))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { s2.value("persist_name") != nil }
        #expect(s2.value("persist_name") == "python-fetcher.mine")
    }

    @Test("A fetcher without fetch(), or not a LogFetcher: clean start-up failure with exit code 2")
    func bindingErrors() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.NoFetch")"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["Error initializing Python fetcher, class does not have a fetch() method"])
        let s2 = Scratch()
        s2.write(Self.config(s2, driver: #"class("pftest.NotAFetcher")"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s2, ["class is not a subclass of LogFetcher"])
        // fetch-no-data-delay() belongs to python-fetcher() only.
        let s3 = Scratch()
        s3.write(PythonSourceEndToEndTests.sourceConfig(s3, driver: #"class("pftest.Counter") fetch-no-data-delay(1)"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s3, code: 1, ["Unknown option 'fetch-no-data-delay'"])
    }

    @Test("examples/python-fetcher.conf: its spool fetcher resumes after a restart without repeating")
    func spoolExample() throws {
        let s = Scratch()
        #expect(try DaemonProcess.run(["-s", "-f", DaemonProcess.packageRoot + "/examples/python-fetcher.conf"], dir: s.dir) == 0)
        let spool = s.dir + "/spool.jsonl"
        writeText(spool, #"{"message": "one", "user": "ann"}"# + "\n" + #"{"message": "two", "user": "bob"}"# + "\n")
        s.write("""
            source s { python-fetcher(class("spool_fetcher.SpoolFetcher") options("path" => "\(spool)")
                                      fetch-no-data-delay(0.1)); };
            destination d { file("\(s.out)" template("[$TRANSPORT] ${user} $MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let env = PythonSourceEndToEndTests.Scratch.withExamples
        _ = try PythonSourceEndToEndTests.runUntil(s, env: env) { lines(s.out).count == 2 }
        let f = fopen(spool, "a")
        fputs(#"{"message": "three", "user": "cy"}"# + "\n", f)
        fclose(f)
        _ = try PythonSourceEndToEndTests.runUntil(s, env: env) { lines(s.out).count == 3 }
        #expect(lines(s.out) == ["[spool] ann one", "[spool] bob two", "[spool] cy three"])
    }

    @Test("A fetched message is written at once, even while the next fetch() blocks")
    func promptDelivery() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.ThenSlow")"#))
        let d = try s.start()
        #expect(waitUntil { s.value("posted") != nil })
        let posted = Double(s.value("posted") ?? "") ?? 0
        #expect(waitUntil(timeout: 5) { lines(s.out) == ["first"] })
        var tv = timeval()
        gettimeofday(&tv, nil)
        let seen = Double(tv.tv_sec) + Double(tv.tv_usec) / 1e6
        #expect(seen - posted < 0.3, "\(seen - posted)")
        #expect(d.stop() == 0)
    }

    @Test("A fetcher without data sleeps: NO_DATA every 50 ms costs (almost) no CPU")
    func idleFetcherDoesNotSpin() throws {
        let s = Scratch()
        s.write(Self.config(s, driver: #"class("pftest.Scripted") fetch-no-data-delay(0.05)"#))
        let d = try s.start()
        #expect(waitUntil { Self.events(s).contains { $0.what == "fetch NO_DATA" } })
        func cpuSeconds() -> Double {
            let fields = (readText("/proc/\(d.pid)/stat") ?? "").split(separator: ")").last?.split(separator: " ") ?? []
            // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
            guard fields.count > 13, let u = Double(fields[11]), let k = Double(fields[12]) else { return -1 }
            return (u + k) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        let before = cpuSeconds()
        usleep(2_000_000)
        let used = cpuSeconds() - before
        #expect(d.stop() == 0)
        #expect(before >= 0 && used < 0.4, "CPU \(used) s in 2 s")
        let fetches = Self.events(s).filter { $0.what == "fetch NO_DATA" }.count
        #expect(fetches > 15 && fetches < 60, "\(fetches)")
    }
}
