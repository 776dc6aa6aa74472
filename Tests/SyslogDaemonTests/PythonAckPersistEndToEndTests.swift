import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Bookmarks, ack trackers, `Persist` and the template helpers through the real binary: the AT,
/// PE and TP cases of spec/python-api.md §13.6 and §13.8 (fixtures in `pftest.py`).
@Suite(.timeLimit(.minutes(2))) struct PythonAckPersistEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// A tracked fetcher (`pftest.Tracked`) into a file, flow-controlled.
    static func trackedConfig(_ s: Scratch, tracker: String, count: Int = 5, extra: String = "",
                              sourceOptions: String = "") -> String {
        """
        source s { python-fetcher(class("pftest.Tracked") options("tracker" => "\(tracker)" "count" => \(count) \(extra))
                                  fetch-no-data-delay(0.1) \(sourceOptions)); };
        destination d { file("\(s.out)" template("$MSG\\n")); };
        log { source(s); destination(d); flags(flow-control); };
        """
    }

    /// The `acked` reports: (bookmark repr, time, thread, instance).
    static func acks(_ s: Scratch) -> [(bookmark: String, t: Double, thread: String, instance: String)] {
        s.values("acked").compactMap { v in
            let parts = v.split(separator: " ")
            guard parts.count >= 4, let t = Double(parts[parts.count - 3]) else { return nil }
            return (parts[0..<(parts.count - 3)].joined(separator: " "), t, String(parts[parts.count - 2]),
                    String(parts[parts.count - 1]))
        }
    }

    // MARK: trackers (AT)

    @Test("AT-01 AT-02 tracker classes and their callable checks")
    func trackerClasses() throws {
        let s = Scratch()
        s.write(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.TrackerChecks") options("count" => 1)"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("batched_bad") != nil }
        #expect(s.value("instant_type") == "=> 'InstantAckTracker'")
        #expect(s.value("instant_base") == "=> True")
        #expect(s.value("instant_bad") == "!! TypeError: A callable object is expected (ack_callback)")
        #expect(s.value("consecutive_bad") == "!! TypeError: A callable object is expected (ack_callback)")
        #expect(s.value("batched_bad") == "!! TypeError: A callable object is expected (batched_ack_callback)")
    }

    @Test("AT-03 self.ack_tracker that is not a tracker fails init, exit code 2")
    func badTracker() throws {
        let s = Scratch()
        s.write(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.BadTracker")"#))
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["Python source attribute ack_tracker needs to be an AckTracker subtype"])
    }

    @Test("AT-04 PM-14 a LogSource's bytes bookmark reaches the callback once; no tracker: RuntimeError")
    func sourceBookmarks() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("pftest.BytesBookmark")"#, logFlags: "flags(flow-control);"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("saved") != nil && lines(s.out).count == 2 }
        #expect(s.values("saved") == ["b'test-bookmark-data'"])
        #expect(s.value("post_plain") == "=> None")
        let s2 = Scratch()
        s2.write(PythonSourceEndToEndTests.sourceConfig(s2, driver: #"class("pftest.SourceBookmarkNoTracker")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { s2.value("pm14") != nil }
        #expect(s2.value("pm14") == "!! RuntimeError: Bookmarks can not be used without creating an AckTracker instance (self.ack_tracker)")
    }

    @Test("AT-05 instant tracker: callbacks 1..5 in acknowledgement order, on a daemon thread")
    func instant() throws {
        let s = Scratch()
        s.write(Self.trackedConfig(s, tracker: "instant"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.acks(s).count == 5 }
        let a = Self.acks(s)
        #expect(a.map(\.bookmark) == ["1", "2", "3", "4", "5"])
        #expect(a.allSatisfy { $0.thread != "MainThread" })
        #expect(lines(s.out) == (1...5).map { "ev \($0)" })
    }

    @Test("AT-06 consecutive tracker: increasing bookmarks ending at the last one (a burst of acks is one callback)")
    func consecutive() throws {
        let s = Scratch()
        s.write(Self.trackedConfig(s, tracker: "consecutive"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.acks(s).last?.bookmark == "5" }
        let b = Self.acks(s).compactMap { Int($0.bookmark) }
        #expect(b.last == 5)
        #expect(b == b.sorted() && Set(b).count == b.count, "\(b)")
    }

    @Test("AT-07 consecutive tracker, acks for 2 and 3 before 1: no callback until 1, then one with 3")
    func consecutiveOutOfOrder() throws {
        let s = Scratch()
        let gate = s.dir + "/gate"
        // ev 1 goes to a file in a directory that does not exist yet: it waits (time-reopen 1 s)
        // until the test creates it; ev 2 and ev 3 are written and acknowledged at once.
        s.write("""
            options { time-reopen(1); };
            source s { python-fetcher(class("pftest.Tracked") options("tracker" => "consecutive" "count" => 3)
                                      fetch-no-data-delay(0.1)); };
            destination d_gate { file("\(gate)/one.log" template("$MSG\\n")); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            filter f_one { message("^ev 1$"); };
            log { source(s); filter(f_one); destination(d_gate); flags(flow-control, final); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let d = try s.start()
        #expect(waitUntil { lines(s.out) == ["ev 2", "ev 3"] }, "\(s.stderr)")
        usleep(500_000)
        #expect(Self.acks(s).isEmpty)
        #expect(mkdir(gate, 0o755) == 0)
        #expect(waitUntil { !Self.acks(s).isEmpty })
        usleep(300_000)
        #expect(d.stop() == 0)
        #expect(Self.acks(s).map(\.bookmark) == ["3"])
        #expect(lines(gate + "/one.log") == ["ev 1"])
    }

    @Test("AT-08 AT-09 batched tracker: full batches at once (newest first), the rest after the timeout")
    func batched() throws {
        let s = Scratch()
        s.write(Self.trackedConfig(s, tracker: "batched:300:3"))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.acks(s).count == 2 }
        let a = Self.acks(s)
        #expect(a.map(\.bookmark) == ["[3, 2, 1]", "[5, 4]"])
        if a.count == 2 {
            let g = a[1].t - a[0].t
            #expect(g > 0.2 && g < 1.0, "\(g)")
        }
        // AT-09: with a window of one, the second message is posted only because the first
        // one's slot came back at its acknowledgement, before the batch of two was complete.
        let s2 = Scratch()
        s2.write(Self.trackedConfig(s2, tracker: "batched:0:2", count: 2, sourceOptions: "log-iw-size(1)"))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { Self.acks(s2).count == 1 }
        #expect(Self.acks(s2).map(\.bookmark) == ["[2, 1]"])
        #expect(lines(s2.out) == ["ev 1", "ev 2"])
    }

    @Test("AT-10 AT-11 batched tracker: a partial batch after the timeout; and at deinit before it")
    func batchedPartial() throws {
        let s = Scratch()
        s.write(Self.trackedConfig(s, tracker: "batched:500:3", count: 2))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 2 })
        let written = now()
        #expect(waitUntil(timeout: 3) { Self.acks(s).count == 1 })
        #expect(now() - written > 0.3)
        #expect(d.stop() == 0)
        #expect(Self.acks(s).map(\.bookmark) == ["[2, 1]"])
        let s2 = Scratch()
        s2.write(Self.trackedConfig(s2, tracker: "batched:60000:3", count: 1))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { lines(s2.out).count == 1 }
        #expect(Self.acks(s2).map(\.bookmark) == ["[1]"])
        #expect(s2.reportLines.firstIndex { $0.hasPrefix("acked") } ?? 99 < s2.reportLines.firstIndex { $0.hasPrefix("deinit") } ?? 0,
                "\(s2.reportLines)")
    }

    @Test("AT-12 tracker set, message without bookmark: delivered, no callback for it, no crash")
    func withoutBookmark() throws {
        let s = Scratch()
        s.write(Self.trackedConfig(s, tracker: "instant", extra: #""nobookmark" => "3""#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.acks(s).count == 4 && lines(s.out).count == 5 }
        #expect(Self.acks(s).map(\.bookmark) == ["1", "2", "4", "5"])
        let s2 = Scratch()
        s2.write(Self.trackedConfig(s2, tracker: "consecutive", extra: #""nobookmark" => "5""#))
        _ = try PythonSourceEndToEndTests.runUntil(s2) { lines(s2.out).count == 5 && Self.acks(s2).last?.bookmark == "4" }
        #expect(!s2.stderr.contains("Segmentation"))
    }

    @Test("A non-blocking source posting past its window: dropped posts get no ack record, the tracker goes on")
    func droppedPostsDoNotStallTheTracker() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("pftest.NonBlockingTracked") log-iw-size(10)"#,
                                                       logFlags: "flags(flow-control);"))
        let d = try s.start()
        #expect(waitUntil { s.value("posted_all") != nil })
        // The last message written is acknowledged in the end: no record waits for a dropped one.
        #expect(waitUntil {
            guard let last = lines(s.out).last, let n = Int(last.dropFirst(3)) else { return false }
            return s.values("last_acked").last == String(n)
        }, "\(lines(s.out).suffix(3)) \(s.values("last_acked").suffix(3))")
        #expect(d.stop() == 0)
        #expect(s.stderr.contains("Incorrectly suspended source, dropping message"))
        #expect(lines(s.out).count < 3000)
    }

    @Test("AT-13 acks pending at a reload reach the old instance's callback, after its deinit()")
    func acksAcrossReload() throws {
        let s = Scratch()
        let gate = s.dir + "/gate"
        s.write("""
            options { time-reopen(1); };
            source s { python-fetcher(class("pftest.Tracked") options("tracker" => "instant" "count" => 3)
                                      fetch-no-data-delay(0.1)); };
            destination d { file("\(gate)/out.log" template("$MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let d = try s.start()
        #expect(waitUntil { s.stderr.contains("starting up") })
        usleep(400_000)
        d.signal(SIGHUP)
        #expect(waitUntil { s.values("deinit").count == 1 }, "\(s.reportLines)\n\(s.stderr)")
        #expect(Self.acks(s).isEmpty)
        #expect(mkdir(gate, 0o755) == 0)
        #expect(waitUntil { Self.acks(s).count >= 6 }, "\(s.reportLines)\n\(s.stderr)")
        #expect(d.stop() == 0)
        let old = s.values("deinit").first?.split(separator: " ").last.map(String.init)
        // The old instance's three (queued before the reload) went to its own callback, after
        // its deinit(); the new instance acknowledged its own three.
        let oldAcks = Self.acks(s).filter { $0.instance == old }
        #expect(oldAcks.map(\.bookmark) == ["1", "2", "3"], "\(s.reportLines)")
        let deinitAt = Double(s.values("deinit").first?.split(separator: " ").first ?? "") ?? 0
        #expect(oldAcks.allSatisfy { $0.t > deinitAt })
        #expect(Self.acks(s).filter { $0.instance != old }.map(\.bookmark) == ["1", "2", "3"])
    }

    // MARK: Persist (PE)

    @Test("PE-01 PE-03 PE-04 PE-05 PE-06 PE-07 PE-09 PE-10 PE-11 Persist in init(), in the daemon's persist file")
    func persistBasics() throws {
        let s = Scratch()
        s.write(PythonFetcherEndToEndTests.config(s, driver: """
            class("pftest.PersistUser") options("count" => 1 "checks" => "subclass sorted types errors defaults namespace")
            """))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("pe11") != nil }
        #expect(s.value("pe01") == "=> 'foo'")
        #expect(s.value("pe03") == "=> ['key1', 'key2', 'key3']")
        #expect(s.value("pe04") == "=> ('value', 5)")
        #expect(s.value("pe06") == "=> [\"'str'\", '1', \"b'bytes'\"]")
        #expect(s.value("pe05")?.hasPrefix("!! KeyError:") == true)
        #expect(s.value("pe07") == "!! ValueError: persist name cannot contain ##")
        #expect(s.value("pe09") == "!! TypeError: Value must be either string, integer or bytes")
        #expect(s.value("pe09_bool") == "!! TypeError: Value must be either string, integer or bytes")
        #expect(s.value("pe_del")?.hasPrefix("!! TypeError") == true)
        #expect(s.value("pe_key") == "!! TypeError: key is not a string object")
        #expect(s.value("pe10") == "=> (0, ['pos'])")
        #expect(s.value("pe10_kept") == "=> 7")
        #expect(s.value("pe11") == "=> ['k']")
    }

    @Test("PE-02 values survive a restart and a reload")
    func persistAcrossRestart() throws {
        let s = Scratch()
        s.write(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.PersistUser") options("count" => 1 "checks" => "roundtrip counter")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("pe02_after") != nil }
        #expect(s.values("pe02_before") == ["=> False"])
        #expect(s.values("pe02_after") == ["=> (True, 'value')"])
        let d = try s.start()
        #expect(waitUntil { s.values("runs").count == 2 })
        d.signal(SIGHUP)
        #expect(waitUntil { s.values("runs").count == 3 })
        #expect(d.stop() == 0)
        #expect(s.values("pe02_before") == ["=> False", "=> True", "=> True"])
        #expect(s.values("runs") == ["1", "2", "3"])
    }

    @Test("PE-08 Persist() in the first configuration's python {} block: RuntimeError and an error log")
    func persistTooEarly() throws {
        let s = Scratch()
        s.write("""
            python {
            import syslogng, pftest
            try:
                syslogng.Persist("early")
            except RuntimeError as e:
                pftest.note("pe08", "RuntimeError: %s" % e)
            };
            \(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.Counter") options("count" => 1)"#))
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.out).count == 1 }
        #expect(s.value("pe08") == "RuntimeError: persist_state is not yet available")
        #expect(s.stderr.contains("Attempting to use persist_state while the configuration is not yet initialized, please use Persist() in or after the init() method"))
    }

    @Test("kill -9 while a plugin writes Persist: the file loads, the value is one that was written")
    func persistCrashSafe() throws {
        for _ in 0..<3 {
            let s = Scratch()
            s.write("""
                python {
                import syslogng, threading, pftest
                class Writer(syslogng.LogFetcher):
                    def init(self, options):
                        self.p = syslogng.Persist("crash", defaults={"n": 0, "blob": b""})
                        pftest.note("start", self.p["n"])
                        return True
                    def fetch(self):
                        n = self.p["n"] + 1
                        self.p["blob"] = b"%d:" % n + b"x" * (n % 3000)
                        self.p["n"] = n
                        return (self.TRY_AGAIN,)
                };
                \(PythonFetcherEndToEndTests.config(s, driver: #"class("Writer")"#))
                """)
            let d = try s.start()
            #expect(waitUntil { s.values("start").count == 1 })
            usleep(useconds_t(200_000 + Int.random(in: 0..<300_000)))
            d.signal(SIGKILL)
            _ = d.wait(timeout: 10)
            let d2 = try s.start()
            #expect(waitUntil { s.values("start").count == 2 }, "\(s.stderr)")
            #expect(d2.stop() == 0)
            let n = Int(s.values("start").last ?? "") ?? -1
            #expect(n > 0, "\(s.reportLines)")
        }
    }

    // MARK: templates (TP)

    @Test("TP-01 TP-02 TP-03 TP-04 TP-05 TP-06 TP-07 LogTemplate, LogTemplateOptions, get_installation_path_for, IntegerPointer")
    func templates() throws {
        let s = Scratch()
        s.write(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.Templates") options("count" => 1)"#,
                                                  globals: #"send-time-zone("+05:00");"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { s.value("tp_str") != nil }
        #expect(s.value("tp01") == "=> b'prg00000'")
        #expect(s.value("tp02") == "!! RuntimeError: LogTemplateOptions must be provided either in the LogTemplate constructor or as parameter of format")
        #expect(s.value("tp03") == "=> b'Jul 20 05:00:00 | 10'")
        #expect(s.value("tp03_ctor") == "=> b'Jul 20 05:00:00 | 3'")
        #expect(s.value("tp04")?.hasPrefix("!! LogTemplateException: Error compiling template") == true, "\(s.value("tp04") ?? "")")
        #expect(s.value("tp04_type") == "=> True")
        #expect(s.value("tp05")?.hasPrefix("!! TypeError") == true)
        // The prefix is the parent of the executable's (resolved) directory.
        let resolved = realpath(DaemonProcess.binary, nil).map { p in defer { free(p) }; return String(cString: p) } ?? ""
        let prefix = resolved.split(separator: "/").dropLast(2).joined(separator: "/")
        #expect(s.value("tp06") == "=> ('/foo/bar', '/\(prefix)/foo/bar')")
        #expect(s.value("tp_str") == "=> '${PROGRAM} x'")
        #expect(s.value("tp07") == "=> (0, 1, '1', 11)")
    }

    @Test("TP-08 LM-32 $(python f …): typed results, bytes arguments, read-only message, <error> on failure")
    func templateFunction() throws {
        let s = Scratch()
        s.write("""
            python {
            import datetime
            def t_str(msg): return "s:" + msg["MESSAGE"].decode()
            def t_int(msg): return 42
            def t_float(msg): return 1.5
            def t_bool(msg): return True
            def t_none(msg): return None
            def t_list(msg): return ["a", "b c"]
            def t_dt(msg): return datetime.datetime.fromtimestamp(1680456974, datetime.timezone.utc)
            def t_bytes(msg): return b"raw"
            def t_args(msg, *args): return repr(args)
            def t_raise(msg): raise ValueError("nope")
            def t_write(msg):
                msg["X"] = "y"
                return "written"
            def t_object(msg): return object()
            };
            \(PythonFetcherEndToEndTests.config(s, driver: #"class("pftest.Counter") options("count" => 1)"#,
                template: "$(python t_str)|$(python t_int)|$(python t_float)|$(python t_bool)|[$(python t_none)]|$(python t_list)|$(python t_dt)|$(python t_bytes)|$(python t_args lit 'two words' $MSG $(echo nested))|$(python t_raise)|$(python t_write)|$(python t_object)|$(python missing)|$(python pftest.template_function)"))
            """)
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.out).count == 1 }
        let fields = (lines(s.out).first ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(fields == ["s:msg 1", "42", "1.500000", "true", "[]", "a,\"b c\"", "1680456974.000", "raw",
                           "(b'lit', b'two words', b'msg 1', b'nested')", "<error>", "<error>", "<error>", "<error>",
                           "from module msg 1"], "\(fields)")
        #expect(s.stderr.contains("$(python): Error calling Python function; function='t_raise'"), "\(s.stderr)")
        #expect(s.stderr.contains("function='missing'"))
    }
}

/// The durability promise of bookmarks + Persist, end to end: a fetcher that saves its position
/// from a ConsecutiveAckTracker callback, killed with SIGKILL mid-stream and restarted.
@Suite(.timeLimit(.minutes(3))) struct FetcherCrashRecoveryTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    @Test("SIGKILL mid-stream and restart: every event delivered, duplicates at most log-iw-size")
    func killAndResume() throws {
        let total = 60000
        let window = 200
        for round in 0..<2 {
            let s = Scratch()
            s.write("""
                source s { python-fetcher(class("pftest.Numbered") options("total" => \(total)) log-iw-size(\(window))
                                          fetch-no-data-delay(0.1)); };
                destination d { file("\(s.out)" template("$MSG\\n")); };
                log { source(s); destination(d); flags(flow-control); };
                """)
            let d = try s.start()
            let killAt = 5000 + round * 15000
            #expect(waitUntil(timeout: 60) { lines(s.out).count >= killAt })
            d.signal(SIGKILL)
            _ = d.wait(timeout: 10)
            let firstRun = lines(s.out).count
            let d2 = try s.start()
            #expect(waitUntil(timeout: 90) { lines(s.out).last == "event \(total)" }, "\(s.reportLines)")
            #expect(d2.stop() == 0)
            let nums = lines(s.out).compactMap { Int($0.dropFirst("event ".count)) }
            // Nothing skipped: every event is there.
            #expect(Set(nums) == Set(1...total))
            // Repeated: only what was written but not yet acknowledged at the kill.
            let duplicates = nums.count - total
            let resumedAt = Int(s.values("start").last ?? "") ?? 0
            #expect(duplicates >= 0 && duplicates <= window, "duplicates \(duplicates), first run wrote \(firstRun), resumed at \(resumedAt)")
            #expect(resumedAt > 1 && resumedAt <= firstRun + 1)
            #expect(duplicates == firstRun - (resumedAt - 1))
        }
    }
}
