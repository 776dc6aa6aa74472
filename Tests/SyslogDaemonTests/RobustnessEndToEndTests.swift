import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Nothing lost under pressure, shutdown and reload never hang, restarts, parse_options kept
/// across reloads: through the real binary, with the plugins of `Tests/Fixtures/python/robust.py`.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RobustnessEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// The numbers of `n <number>` lines, parsed from the bytes (the files are large).
    static func numbers(_ path: String) -> [Int] {
        guard let bytes = readBytes(path) else { return [] }
        var out: [Int] = []
        out.reserveCapacity(bytes.count / 8)
        var value = 0
        var inNumber = false
        for b in bytes {
            if b >= 48 && b <= 57 {
                value = value * 10 + Int(b - 48)
                inNumber = true
            } else if b == 10 {
                if inNumber { out.append(value) }
                value = 0
                inNumber = false
            }
        }
        return out
    }

    /// What is missing from and repeated in `got`, which should be 0..<count in order.
    static func gaps(_ got: [Int], count: Int) -> (missing: Int, duplicated: Int, outOfOrder: Int) {
        var seen = [Bool](repeating: false, count: count)
        var duplicated = 0
        var outOfOrder = 0
        var last = -1
        for n in got where n < count {
            if seen[n] { duplicated += 1 } else { seen[n] = true }
            if n < last { outOfOrder += 1 }
            last = n
        }
        return (seen.filter { !$0 }.count, duplicated + got.filter { $0 >= count }.count, outOfOrder)
    }

    /// A value of a `STATS` row ending in `;<kind>;<n>` whose start is `prefix`.
    static func stat(_ stats: String, _ prefix: String, _ kind: String) -> Int? {
        for l in stats.split(separator: "\n") where l.hasPrefix(prefix) && l.contains(";a;\(kind);") {
            return Int(l.split(separator: ";").last ?? "")
        }
        return nil
    }

    /// Reads `fifo` slowly (`chunk` bytes every `pause` seconds) until `lines` lines arrived.
    static func readSlowly(_ fifo: String, lines count: Int, chunk: Int, pause: Double, timeout: Double = 60) -> [UInt8] {
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var data: [UInt8] = []
        var newlines = 0
        var buf = [UInt8](repeating: 0, count: chunk)
        let deadline = now() + timeout
        while now() < deadline && newlines < count {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buf[0..<n])
                newlines += buf[0..<n].filter { $0 == 10 }.count
            }
            usleep(UInt32(pause * 1e6))
        }
        return data
    }

    // MARK: backpressure

    @Test("a slowed destination (a FIFO read slowly) loses nothing without flow control")
    func slowDestinationLosesNothing() throws {
        let s = Scratch()
        let fifo = s.dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let count = 40000
        s.write("""
            source s { python(class("robust.Numbered") options("limit" => \(count) "burst" => 2000)); };
            destination d { file("\(fifo)" template("$MSG\\n") log-fifo-size(500)); };
            log { source(s); destination(d); };
            """)
        let d = try s.start()
        let data = Self.readSlowly(fifo, lines: count, chunk: 8192, pause: 0.005)
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(d.stop() == 0, "stderr: \(s.stderr)")
        writeText(s.dir + "/got.txt", String(decoding: data, as: UTF8.self))
        let g = Self.gaps(Self.numbers(s.dir + "/got.txt"), count: count)
        #expect(g.missing == 0 && g.duplicated == 0 && g.outOfOrder == 0, "\(g)\nstats: \(stats)")
        #expect(Self.stat(stats, "dst.file;d#0", "dropped") == 0, "stats: \(stats)")
        #expect(!s.stderr.contains("dropping"))
    }

    @Test("a stuck destination drops, counts and logs after stall-timeout; the other destination gets everything")
    func stuckDestinationDrops() throws {
        let s = Scratch()
        let fifo = s.dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let count = 20000
        s.write("""
            source s { python(class("robust.Numbered") options("limit" => \(count) "burst" => 1000 "after_exit" => 0)); };
            source s_int { internal(); };
            destination d_stuck { file("\(fifo)" template("$MSG\\n") log-fifo-size(1000) stall-timeout(0.5)); };
            destination d_ok { file("\(s.out)" template("$MSG\\n")); };
            destination d_int { file("\(s.dir)/internal.log"); };
            log { source(s); destination(d_stuck); destination(d_ok); };
            log { source(s_int); destination(d_int); };
            """)
        let d = try s.start()
        // Nobody opens the FIFO: d_stuck's worker blocks opening it and writes nothing.
        #expect(waitUntil(timeout: 60) { Self.numbers(s.out).count >= count }, "stderr: \(s.stderr)")
        let g = Self.gaps(Self.numbers(s.out), count: count)
        #expect(g.missing == 0 && g.duplicated == 0 && g.outOfOrder == 0, "\(g)")
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        let dropped = Self.stat(stats, "dst.file;d_stuck#0", "dropped") ?? -1
        #expect(dropped > 0, "stats: \(stats)")
        #expect(waitUntil { (readText(s.dir + "/internal.log") ?? "").contains("Destination queue full, dropping messages") })
        let internalLog = readText(s.dir + "/internal.log") ?? ""
        #expect(internalLog.contains("driver='d_stuck'"), "internal: \(internalLog)")
        // Let the stuck one go, so shutdown can write what it queued: queued + dropped = all.
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(fd) }
        d.signal(SIGTERM)
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        var code: Int32?
        let deadline = now() + 30
        while code == nil && now() < deadline {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buf[0..<n]) } else { code = d.wait(timeout: 0.01) }
        }
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        #expect(code == 0, "stderr: \(s.stderr)")
        // Everything was posted before the counters were read (after_exit 0: nothing after).
        let queued = data.filter { $0 == 10 }.count
        #expect(queued + dropped == count, "queued \(queued) dropped \(dropped)")
        #expect(Self.numbers(s.out).count == count)
    }

    // MARK: shutdown and reload never hang

    static let ignoresExit = #"class("robust.IgnoresExit") stop-timeout(1)"#

    @Test("run() that ignores request_exit(): SIGTERM exits 0 after stop-timeout, with the error logged")
    func ignoredRequestExitSigterm() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: Self.ignoresExit))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 1 })
        let started = now()
        #expect(d.stop(timeout: 15) == 0, "stderr: \(s.stderr)")
        let took = now() - started
        #expect(took >= 0.9 && took < 6, "took \(took)")
        #expect(s.stderr.contains("Source did not stop in time after it was asked to, abandoning its thread; driver='s#0', class='robust.IgnoresExit', waited='1."),
                "stderr: \(s.stderr)")
        #expect(s.values("request_exit").count == 1)
        #expect(s.values("deinit").isEmpty)
    }

    @Test("run() that ignores request_exit(): SIGHUP brings up the new configuration; the old one's posts raise")
    func ignoredRequestExitSighup() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: Self.ignoresExit))
        let d = try s.start()
        #expect(waitUntil { s.values("run").count == 1 })
        d.signal(SIGHUP)
        #expect(waitUntil { s.stderr.contains("Configuration reload finished") }, "stderr: \(s.stderr)")
        #expect(s.stderr.contains("abandoning its thread; driver='s#0', class='robust.IgnoresExit'"))
        #expect(waitUntil { s.values("run").count == 2 && lines(s.out).count >= 2 })
        // The abandoned instance's later posts raise a clear exception instead of vanishing.
        #expect(waitUntil { s.values("post_after_exit").contains { $0.hasPrefix("RuntimeError: post_message(): the source was stopped") } },
                "report: \(s.reportLines)")
        let started = now()
        #expect(d.stop(timeout: 15) == 0, "stderr: \(s.stderr)")
        #expect(now() - started < 6)
        #expect(s.values("init").count == 2 && s.values("deinit").isEmpty)
    }

    @Test("a destination blocked in its output (a FIFO nobody opens): SIGHUP and SIGTERM go on after stop-timeout")
    func blockedDestinationDoesNotHangStop() throws {
        let s = Scratch()
        let fifo = s.dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        s.write("""
            options { stop-timeout(1); };
            source s { example-msg-generator(num(10) freq(0) template("m")); };
            destination d { file("\(fifo)" template("$MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let d = try s.start()
        #expect(waitUntil { s.stderr.contains("starting up") })
        usleep(200_000)
        var started = now()
        d.signal(SIGHUP)
        #expect(waitUntil(timeout: 15) { s.stderr.contains("Configuration reload finished") }, "stderr: \(s.stderr)")
        #expect(now() - started < 8)
        #expect(s.stderr.contains("Destination did not stop in time, abandoning its thread; driver='d', queued='"), "stderr: \(s.stderr)")
        started = now()
        #expect(d.stop(timeout: 15) == 0, "stderr: \(s.stderr)")
        #expect(now() - started < 8)
        #expect(s.stderr.components("Destination did not stop in time") == 2)
    }

    // MARK: restart-on-failure

    @Test("restart-on-failure(yes): run() is restarted with an exponential backoff, each restart logged")
    func restartOnFailure() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("robust.FailsTwice") restart-on-failure(yes) restart-delay(0.2)"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { lines(s.out) == ["running after 2 failures"] }
        #expect(s.stderr.contains("Source ended, restarting it after a delay; driver='s#0', class='robust.FailsTwice', attempt='1', delay='0.2s'"),
                "stderr: \(s.stderr)")
        #expect(s.stderr.contains("attempt='2', delay='0.4s'"))
        #expect(s.stderr.contains("failure 1") && s.stderr.contains("failure 2") && !s.stderr.contains("failure 3"))
        let starts = s.values("run_start").compactMap(Double.init)
        #expect(starts.count == 3)
        if starts.count == 3 {
            #expect(starts[1] - starts[0] >= 0.19 && starts[2] - starts[1] >= 0.39, "\(starts)")
        }
    }

    @Test("without restart-on-failure a run() that returns early stays stopped (AxoSyslog's default)")
    func noRestartByDefault() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("robust.ReturnsEarly")"#))
        let d = try s.start()
        #expect(waitUntil { lines(s.out) == ["run 1"] })
        usleep(700_000)
        #expect(d.stop() == 0)
        #expect(s.values("run_start").count == 1)
        #expect(!s.stderr.contains("restarting"))
    }

    // MARK: reloads

    @Test("parse_options kept across 5 reloads and used after them parses with the old options, no crash")
    func parseOptionsAcrossReloads() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("robust.KeepsParseOptions")"#))
        let d = try s.start()
        #expect(waitUntil { s.values("parsed").count == 1 })
        for i in 2...6 {
            d.signal(SIGHUP)
            #expect(waitUntil { s.values("parsed").count == i }, "stderr: \(s.stderr)")
        }
        #expect(s.values("parsed").last == "prog0 prog1 prog2 prog3 prog4 prog5")
        #expect(d.stop() == 0, "stderr: \(s.stderr)")
    }

    @Test("numbered messages into a flow-controlled path, 20 reloads 0.3 s apart and SIGTERM: 0 missing, 0 duplicated")
    func numberedAcrossReloads() throws {
        let s = Scratch()
        s.write(PythonSourceEndToEndTests.sourceConfig(s, driver: #"class("robust.Numbered") options("burst" => 200)"#,
                                                        logFlags: "flags(flow-control);"))
        let d = try s.start()
        #expect(waitUntil { s.values("run").count == 1 })
        for i in 2...21 {
            usleep(300_000)
            d.signal(SIGHUP)
            #expect(waitUntil { s.values("run").count == i }, "stderr: \(s.stderr)")
        }
        usleep(300_000)
        #expect(d.stop(timeout: 60) == 0, "stderr: \(s.stderr)")
        let last = s.values("last").compactMap(Int.init).max() ?? -1
        #expect(s.values("last").count == 21)
        let got = Self.numbers(s.out)
        let g = Self.gaps(got, count: last + 1)
        #expect(last > 1000 && g.missing == 0 && g.duplicated == 0 && g.outOfOrder == 0,
                "last \(last), got \(got.count), \(g)")
    }
}
