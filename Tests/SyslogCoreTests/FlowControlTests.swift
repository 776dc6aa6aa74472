#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import SyslogCore
import SyslogMessage

private func numbered(_ n: Int) -> [LogMessage] {
    (0..<n).map { msg("m\($0)") }
}

private func config(flags: String) -> String {
    """
    source s1 { test-src(log-iw-size(5)); };
    destination d { blocking(); };
    log { source(s1); destination(d); \(flags) };
    """
}

@Suite("Flow control")
struct FlowControlTests {
    /// Runs `config(flags:)` with 20 messages for `s1` and a writer blocked until the gate opens,
    /// hands the started source and its poster to `body`, and tears the pipeline down after.
    private func withBlockedWriter(flags: String,
                                   _ body: (Harness, TestSource, SourcePoster) throws -> Void) throws {
        let h = Harness(messages: ["s1": numbered(20)])
        let p = try h.build(config(flags: flags))
        p.start()
        defer {
            h.gate.release()
            p.stopSources()
            p.stopDestinations(drain: true)
            #expect(p.droppedTotal == 0)
        }
        guard let src = h.source("s1"), let poster = src.poster else {
            Issue.record("source was not started")
            return
        }
        try body(h, src, poster)
    }

    @Test("with flow-control a source cannot post more than log-iw-size messages until the writer writes")
    func windowBoundsSource() throws {
        try withBlockedWriter(flags: "flags(flow-control);") { h, src, poster in
            #expect(poster.window.capacity == 5)
            // The writer got the first batch and is stuck; the window is exhausted.
            #expect(waitUntil { h.gate.blockedWriters == 1 })
            #expect(waitUntil { poster.receivedCount == 5 })
            #expect(poster.window.available == 0)
            #expect(!src.isFinished)
            #expect(h.collector.total == 0)
            #expect(poster.receivedCount == 5)

            h.gate.release()
            #expect(waitUntil { src.isFinished })
            #expect(waitUntil { h.collector.total == 20 })
            #expect(waitUntil { poster.window.available == 5 })
            #expect(h.collector.lines("d") == (0..<20).map { "m\($0)" })
        }
    }

    @Test("without flow-control the window is given back at routing time")
    func noFlowControl() throws {
        try withBlockedWriter(flags: "") { h, src, poster in
            // Everything is posted while the writer is still blocked.
            #expect(waitUntil { src.isFinished })
            #expect(poster.receivedCount == 20)
            #expect(poster.window.available == 5)
            h.gate.release()
            #expect(waitUntil { h.collector.total == 20 })
        }
    }

    /// `s1` posts "first", waits until the writer is blocked writing it, then posts `count`
    /// more ("m0"…) into `blocking(log-fifo-size(fifo))`, a path without flow control.
    private func blockedWriter(posting count: Int, fifo: Int) throws -> (Harness, Pipeline) {
        let gate = Mutex<Gate?>(nil)
        let h = Harness(scripts: ["s1": { poster in
            poster.post(msg("first"))
            poster.closeBatch()
            _ = waitUntil { gate.withLock { $0?.blockedWriters } == 1 }
            for i in 0..<count { poster.post(msg("m\(i)")) }
            poster.closeBatch()
        }])
        gate.withLock { $0 = h.gate }
        let p = try h.build("""
            source s1 { test-src(); };
            destination d { blocking(log-fifo-size(\(fifo))); };
            log { source(s1); destination(d); };
            """)
        p.start()
        return (h, p)
    }

    @Test("without flow-control a full queue drops and counts")
    func dropsWhenFull() throws {
        let (h, p) = try blockedWriter(posting: 10, fifo: 3)
        let finished = waitUntil { h.source("s1")?.isFinished == true }
        #expect(finished)
        h.gate.release()
        p.stopSources()
        p.stopDestinations(drain: true)
        #expect(p.droppedTotal == 7)
        #expect(h.collector.lines("d") == ["first", "m0", "m1", "m2"])
    }

    @Test("without flow control, a worker that stalls briefly makes the source pause, not drop")
    func briefStallPausesSource() throws {
        let (h, p) = try blockedWriter(posting: 200, fifo: 100)
        // Release the writer as soon as its queue reaches the high-water mark (75 of 100): the
        // source is pausing then, well within its 50 ms budget.
        let deadline = monotonicSeconds() + 20
        while p.destinations[0].queue.count < 75 && monotonicSeconds() < deadline { usleep(100) }
        h.gate.release()
        #expect(waitUntil { h.source("s1")?.isFinished == true })
        p.stopSources()
        p.stopDestinations(drain: true)
        #expect(p.droppedTotal == 0)
        #expect(h.collector.lines("d") == ["first"] + (0..<200).map { "m\($0)" })
    }

    @Test("without flow control, a stuck destination costs the source one stall-timeout, then drops")
    func stuckDestinationDrops() throws {
        let posted = Mutex<Double>(0)
        let h = Harness(scripts: ["s1": { poster in
            let start = monotonicSeconds()
            for i in 0..<20000 { poster.post(msg("m\(i)")) }
            poster.closeBatch()
            posted.withLock { $0 = monotonicSeconds() - start }
        }])
        let p = try h.build("""
            source s1 { test-src(); };
            destination d { blocking(log-fifo-size(100) stall-timeout(0.3)); };
            log { source(s1); destination(d); };
            """)
        try p.initialize()
        p.start()
        #expect(waitUntil { h.source("s1")?.isFinished == true })
        // It waited until the writer had shown no progress for 0.3 s, once; not per message.
        #expect(posted.withLock { $0 } >= 0.29 && posted.withLock { $0 } < 2, "posting took \(posted.withLock { $0 }) s")
        h.gate.release()
        p.stopSources()
        p.stopDestinations(drain: true)
        // The writer holds one batch, the queue 100; the rest was dropped.
        #expect(p.droppedTotal >= 20000 - 100 - 1024 && p.droppedTotal <= 20000 - 100)
        #expect(h.collector.total == 20000 - p.droppedTotal)
    }

    @Test("a destination fed with and without flow control keeps the source's order")
    func mixedFlowControlOrder() throws {
        let gate = Mutex<Gate?>(nil)
        let h = Harness(scripts: ["s1": { poster in
            poster.post(msg("first"))
            poster.closeBatch()
            _ = waitUntil { gate.withLock { $0?.blockedWriters } == 1 }
            for i in 0..<10 { poster.post(msg("n\(i)", program: "plain")) }
            for i in 0..<10 { poster.post(msg("f\(i)", program: "fc")) }
            poster.closeBatch()
        }])
        gate.withLock { $0 = h.gate }
        let p = try h.build("""
            source s1 { test-src(log-iw-size(16)); };
            destination d { blocking(log-fifo-size(16)); };
            log { source(s1); filter { program("fc"); }; destination(d); flags(flow-control); };
            log { source(s1); filter { not program("fc"); }; destination(d); };
            """)
        p.start()
        let finished = waitUntil { h.source("s1")?.isFinished == true }
        #expect(finished)
        h.gate.release()
        p.stopSources()
        p.stopDestinations(drain: true)
        let lines = h.collector.lines("d")
        #expect(lines.count == 21)
        #expect(p.droppedTotal == 0)
        #expect(lines == ["first"] + (0..<10).map { "n\($0)" } + (0..<10).map { "f\($0)" })
    }

    @Test("stopping sources releases a source blocked on its window")
    func stopReleasesBlockedSource() throws {
        let h = Harness(messages: ["s1": numbered(8)])
        let p = try h.build(config(flags: "flags(flow-control);"))
        p.start()
        guard let src = h.source("s1"), let poster = src.poster else {
            Issue.record("source was not started")
            h.gate.release()
            return
        }
        #expect(waitUntil { h.gate.blockedWriters == 1 && poster.receivedCount == 5 })
        // stopSources joins the source thread: it must return although the writer is blocked.
        p.stopSources()
        #expect(src.isFinished)
        #expect(poster.window.isStopping)
        h.gate.release()
        p.stopDestinations(drain: true)
        #expect(h.collector.total == 8)
    }
}
