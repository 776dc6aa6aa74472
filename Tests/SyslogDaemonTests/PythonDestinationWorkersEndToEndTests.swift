import Testing

/// `workers(N)` and `worker-partition-key()` of Python destinations through the real binary:
/// N instances of the class on N threads, each message delivered once, order kept per key.
/// Fixtures `pdtest.Worker` and `pdtest.bucket`.
@Suite(.timeLimit(.minutes(2))) struct PythonDestinationWorkersEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    static func config(count: Int, destination: String) -> String {
        """
        source s { python-fetcher(class("pftest.Counter") options("count" => \(count)) fetch-no-data-delay(0.1)); };
        destination d { python(class("pdtest.Worker") \(destination)); };
        log { source(s); destination(d); flags(flow-control); };
        """
    }

    /// (instance, message number) of each `worker_sent` line, in report order.
    static func deliveries(_ s: Scratch) -> [(worker: String, n: Int)] {
        s.values("worker_sent").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let n = Int(parts[2]) else { return nil }
            return (String(parts[0]), n)
        }
    }

    @Test("workers(3): three instances, each init()ed and deinit()ed once, messages in turn, every one delivered once")
    func inTurn() throws {
        let s = Scratch()
        s.write(Self.config(count: 300, destination: "workers(3)"))
        let d = try s.start()
        #expect(waitUntil { Self.deliveries(s).count >= 300 }, "stderr: \(s.stderr)")
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(d.stop() == 0, "stderr: \(s.stderr)")
        let got = Self.deliveries(s)
        #expect(got.map(\.n).sorted() == Array(1...300))
        let instances = Set(s.values("worker_init"))
        #expect(instances.count == 3)
        #expect(Set(got.map(\.worker)) == instances)
        #expect(Set(s.values("worker_deinit")) == instances && s.values("worker_deinit").count == 3)
        // In turn: each worker got every third message.
        for w in instances {
            let mine = got.filter { $0.worker == w }.map(\.n)
            #expect(mine.count == 100)
            #expect(Set(mine.map { $0 % 3 }).count == 1, "\(mine.prefix(10))")
        }
        // One queue per worker in the statistics.
        for suffix in ["", "#1", "#2"] {
            #expect(stats.contains(";python(pdtest.Worker)\(suffix);a;processed;"), "\(stats)")
        }
    }

    @Test("worker-partition-key(): a key's messages go to one worker, in order; four keys use more than one worker")
    func partitioned() throws {
        let s = Scratch()
        s.write(Self.config(count: 200, destination: #"workers(4) worker-partition-key("$(python pdtest.bucket)")"#))
        _ = try PythonSourceEndToEndTests.runUntil(s) { Self.deliveries(s).count >= 200 }
        let got = Self.deliveries(s)
        #expect(got.map(\.n).sorted() == Array(1...200))
        var workerOfKey: [Int: String] = [:]
        var lastOfKey: [Int: Int] = [:]
        for (w, n) in got {
            let key = n % 4
            if let known = workerOfKey[key] { #expect(known == w, "key \(key) moved between workers") }
            workerOfKey[key] = w
            #expect(n > lastOfKey[key, default: 0], "key \(key): \(n) after \(lastOfKey[key, default: 0])")
            lastOfKey[key] = n
        }
        #expect(Set(workerOfKey.values).count > 1, "\(workerOfKey)")
    }

    @Test("workers() is refused where the driver has none (file)")
    func fileHasNoWorkers() throws {
        let s = Scratch()
        s.write("""
            source s { python-fetcher(class("pftest.Counter")); };
            destination d { file("\(s.dir)/out" workers(2)); };
            log { source(s); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s, code: 1, ["workers"])
    }
}
