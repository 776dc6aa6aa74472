import Synchronization
import Testing
import SyslogCore

@Suite("SourceWindow")
struct SourceWindowTests {
    @Test("takes succeed until the window is exhausted, without sleeping")
    func takeUntilExhausted() {
        let w = SourceWindow(capacity: 3)
        #expect(w.capacity == 3 && w.available == 3)
        var slept = 0
        for _ in 0..<3 { #expect(w.take(beforeSleep: { slept += 1 })) }
        #expect(w.available == 0)
        #expect(slept == 0)
        w.acknowledge(2)
        #expect(w.available == 2)
        #expect(!w.isStopping)
    }

    @Test("capacity below one is raised to one", arguments: [0, -5])
    func minimumCapacity(c: Int) {
        let w = SourceWindow(capacity: c)
        #expect(w.capacity == 1 && w.available == 1)
    }

    /// Starts a pthread that takes one slot; returns its result holder and thread.
    private func blockedTaker(_ w: SourceWindow) -> (OSThread, Counter, Counter) {
        // result: 0 = still waiting, 1 = took a slot, 2 = returned because of stop
        let result = Counter(0)
        let flushed = Counter(0)
        let t = OSThread.start(name: "test:taker") {
            let ok = w.take(beforeSleep: { flushed.set(1) })
            result.set(ok ? 1 : 2)
        }
        return (t, result, flushed)
    }

    @Test("a taker blocked in another thread is released by acknowledge")
    func releasedByAcknowledge() {
        let w = SourceWindow(capacity: 2)
        w.take(beforeSleep: {})
        w.take(beforeSleep: {})
        let (t, result, flushed) = blockedTaker(w)
        // beforeSleep runs just before the taker sleeps: the window is exhausted, so it must wait.
        #expect(waitUntil { flushed.value == 1 })
        #expect(result.value == 0)
        w.acknowledge(1)
        #expect(waitUntil { result.value != 0 })
        t.join()
        #expect(result.value == 1)
        #expect(w.available == 0)
    }

    @Test("a taker blocked in another thread is released by stop, without a slot")
    func releasedByStop() {
        let w = SourceWindow(capacity: 1)
        w.take(beforeSleep: {})
        let (t, result, flushed) = blockedTaker(w)
        #expect(waitUntil { flushed.value == 1 })
        #expect(result.value == 0)
        w.stop()
        #expect(waitUntil { result.value != 0 })
        t.join()
        #expect(result.value == 2)
        #expect(w.isStopping)
        // The slot was taken anyway (over-committed); acknowledgements bring it back.
        #expect(w.available == -1)
        w.acknowledge(2)
        #expect(w.available == 1)
    }

    @Test("after stop, takes on an exhausted window never sleep")
    func takeAfterStop() {
        let w = SourceWindow(capacity: 1)
        w.stop()
        #expect(w.take(beforeSleep: {}))
        var slept = false
        #expect(!w.take(beforeSleep: { slept = true }))
        #expect(!slept)
        #expect(w.available == -1)
    }

    @Test("many acknowledgers from several threads give every slot back")
    func concurrentAcks() {
        let w = SourceWindow(capacity: 400)
        for _ in 0..<400 { w.take(beforeSleep: {}) }
        let threads = (0..<4).map { _ in
            OSThread.start(name: "test:ack") { for _ in 0..<100 { w.acknowledge(1) } }
        }
        for t in threads { t.join() }
        #expect(w.available == 400)
    }
}
