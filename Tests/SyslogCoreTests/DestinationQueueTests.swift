import Synchronization
import Testing
import SyslogCore
import SyslogMessage

private func q(_ text: String, fc: Bool = false) -> QueuedMessage {
    QueuedMessage(LogMessage(message: text, stamp: LogStamp(seconds: 0, utcOffset: 0)), flowControlled: fc)
}

private func texts(_ batch: [QueuedMessage]) -> [String] {
    batch.map { $0.message.text(.message) }
}

@Suite("DestinationQueue")
struct DestinationQueueTests {
    @Test("messages come out in the order pushed")
    func order() {
        let queue = DestinationQueue(persistName: "t", capacity: 100)
        let p = queue.makeProducer()
        for t in ["a", "b", "c"] { p.push(q(t)) }
        #expect(queue.count == 3)
        #expect(texts(queue.take(max: 10, timeout: 0)) == ["a", "b", "c"])
        #expect(queue.count == 0)
        #expect(queue.persistName == "t")
    }

    @Test("take returns at most max, the oldest first")
    func takeMax() {
        let queue = DestinationQueue(persistName: "t", capacity: 100)
        let p = queue.makeProducer()
        for t in ["1", "2", "3", "4", "5"] { p.push(q(t)) }
        #expect(texts(queue.take(max: 2, timeout: 0)) == ["1", "2"])
        #expect(texts(queue.take(max: 2, timeout: 0)) == ["3", "4"])
        #expect(texts(queue.take(max: 2, timeout: 0)) == ["5"])
    }

    @Test("each producer's messages keep their order")
    func producersKeepOrder() {
        let queue = DestinationQueue(persistName: "t", capacity: 100)
        let p1 = queue.makeProducer()
        let p2 = queue.makeProducer()
        for i in 0..<5 { p1.push(q("a\(i)")); p2.push(q("b\(i)")) }
        let all = texts(queue.take(max: 100, timeout: 0))
        #expect(all.count == 10)
        #expect(all.filter { $0.hasPrefix("a") } == (0..<5).map { "a\($0)" })
        #expect(all.filter { $0.hasPrefix("b") } == (0..<5).map { "b\($0)" })
    }

    @Test("a full queue drops only messages that are not flow-controlled, and counts them")
    func capacity() {
        let queue = DestinationQueue(persistName: "t", capacity: 3)
        let p = queue.makeProducer()
        for t in ["a", "b", "c", "d"] { p.push(q(t)) }
        p.push(q("e", fc: true))
        p.push(q("f"))
        #expect(queue.droppedCount == 2)
        #expect(texts(queue.take(max: 10, timeout: 0)) == ["a", "b", "c", "e"])
        // Room again after the take.
        p.push(q("g"))
        #expect(texts(queue.take(max: 10, timeout: 0)) == ["g"])
        #expect(queue.droppedCount == 2)
    }

    @Test("flow-controlled messages are never dropped, in order even past the producer's ring")
    func flowControlledNeverDropped() {
        let queue = DestinationQueue(persistName: "t", capacity: 3)
        let p = queue.makeProducer(minimumCapacity: 10)
        let names = (0..<100).map { "fc\($0)" }
        for n in names { p.push(q(n, fc: true)) }
        #expect(queue.count == 100)
        #expect(queue.droppedCount == 0)
        let got = texts(queue.take(max: 1000, timeout: 0))
        #expect(got.count == 100)
        #expect(got == names)
    }

    @Test("setCapacity bounds producers made afterwards")
    func setCapacity() {
        let queue = DestinationQueue(persistName: "t", capacity: 0)
        let small = queue.makeProducer()
        queue.setCapacity(3)
        let large = queue.makeProducer()
        for i in 0..<5 { small.push(q("s\(i)")); large.push(q("l\(i)")) }
        #expect(queue.droppedCount == 4 + 2)
        let got = texts(queue.take(max: 10, timeout: 0))
        #expect(got.sorted() == ["l0", "l1", "l2", "s0"])
    }

    @Test("pushFront puts messages back at the head")
    func pushFront() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        let p = queue.makeProducer()
        p.push(q("a"))
        p.push(q("b"))
        queue.pushFront([q("x"), q("y")])
        queue.pushFront([])
        #expect(texts(queue.take(max: 10, timeout: 0)) == ["x", "y", "a", "b"])
    }

    @Test("a closed producer's ring still delivers what it holds")
    func closedProducer() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        let p = queue.makeProducer()
        p.push(q("last"))
        p.close()
        #expect(queue.count == 1)
        #expect(texts(queue.take(max: 10, timeout: 0)) == ["last"])
        #expect(queue.count == 0)
    }

    @Test("take on an empty queue returns empty after the timeout")
    func timeout() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        _ = queue.makeProducer()
        #expect(queue.take(max: 10, timeout: 0.02).isEmpty)
        #expect(queue.take(max: 10, timeout: 0).isEmpty)
    }

    @Test("notify wakes a consumer waiting in another thread")
    func notifyWakesConsumer() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        let p = queue.makeProducer()
        let got = Mutex<[String]?>(nil)
        let t = OSThread.start(name: "test:consumer") {
            let batch = queue.take(max: 10, timeout: 600)
            got.withLock { $0 = texts(batch) }
        }
        p.push(q("m"))
        queue.notify()
        let woke = waitUntil { got.withLock { $0 != nil } }
        #expect(woke)
        if !woke { queue.wake() }
        t.join()
        // The consumer either slept and was woken, or found the message at once.
        #expect(got.withLock { $0 } == ["m"])
    }

    @Test("wake releases a waiting consumer with an empty batch")
    func wakeWaiting() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        let returned = Counter(-1)
        let t = OSThread.start(name: "test:consumer") {
            returned.set(queue.take(max: 10, timeout: 600).count)
        }
        queue.wake()
        let woke = waitUntil { returned.value >= 0 }
        #expect(woke)
        if !woke { queue.pushFront([q("unblock")]) }
        t.join()
        #expect(returned.value == 0)
    }

    @Test("a wake before take makes the next take return at once")
    func wakeBeforeTake() {
        let queue = DestinationQueue(persistName: "t", capacity: 10)
        queue.wake()
        let returned = Counter(-1)
        let t = OSThread.start(name: "test:consumer") {
            returned.set(queue.take(max: 10, timeout: 600).count)
        }
        let woke = waitUntil { returned.value >= 0 }
        #expect(woke)
        if !woke { queue.pushFront([q("unblock")]) }
        t.join()
        #expect(returned.value == 0)
    }
}
