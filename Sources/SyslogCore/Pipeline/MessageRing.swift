import Synchronization

/// A bounded single-producer/single-consumer ring of queued messages: the producer (a source
/// thread) and the consumer (a destination worker) never share a lock.
final class MessageRing: @unchecked Sendable {
    // Invariant for @unchecked Sendable: slots in [head, tail) belong to the consumer, the others
    // to the producer; `tail` is written only by the producer, `head` only by the consumer, both
    // with release ordering after the slot was written/moved.
    // Layout (stored properties are laid out in declaration order): the object header's
    // reference count changes whenever the consumer iterates its rings, so nothing the producer
    // reads on every message may share its cache line. Line 1: header and cold fields; line 2:
    // read-mostly fields both sides read; then the producer's and the consumer's indices, each
    // on a line of its own, so neither side's writes invalidate what the other reads per message.
    /// Set by the producer when it will push no more (its source stopped).
    let closed = Atomic<Bool>(false)
    /// Messages that did not fit (flow-controlled ones are never dropped). Guarded by the
    /// owning queue's lock. While it is not empty the producer appends here too, so the
    /// producer's order is kept: the consumer takes the spill only once the ring is empty.
    var spill: [QueuedMessage] = []
    let capacity: Int
    private let pad0: CacheLinePad = .init()
    private let slots: UnsafeMutablePointer<QueuedMessage>
    private let mask: Int
    /// `spill.count`, readable by the producer without the lock (written only while spilling).
    let spilled = Atomic<Int>(0)
    private let pad1: CacheLinePad = .init()
    private let tail = Atomic<Int>(0)
    /// The producer's last look at `head`; re-read only when the ring seems full.
    private var producerHead = 0
    private let pad2: CacheLinePad = .init()
    private let head = Atomic<Int>(0)
    private let pad3: CacheLinePad = .init()

    init(capacity requested: Int) {
        var c = 16
        while c < requested { c <<= 1 }
        capacity = c
        mask = c - 1
        slots = .allocate(capacity: c)
    }

    deinit {
        var h = head.load(ordering: .acquiring)
        let t = tail.load(ordering: .acquiring)
        while h != t {
            (slots + (h & mask)).deinitialize(count: 1)
            h += 1
        }
        slots.deallocate()
    }

    /// Producer: appends unless `limit` (at most `capacity`) messages are waiting.
    @inline(__always)
    func push(_ q: QueuedMessage, limit: Int) -> Bool {
        let t = tail.load(ordering: .relaxed)
        if t - producerHead >= limit {
            producerHead = head.load(ordering: .acquiring)
            if t - producerHead >= limit { return false }
        }
        MessageRing.fill(slots + (t & mask), with: q)
        tail.store(t + 1, ordering: .releasing)
        return true
    }

    /// Copies `q` into a free slot. Never inlined, on purpose: the copy's retain must be done
    /// before the tail store publishes the slot. Inlined, the optimizer may sink that retain
    /// past the store (it does not see the consumer), and the consumer could then release the
    /// message before it was retained — a use-after-free.
    @inline(never)
    private static func fill(_ slot: UnsafeMutablePointer<QueuedMessage>, with q: QueuedMessage) {
        slot.initialize(to: q)
    }

    /// Consumer: moves up to `max` messages into `out`; returns how many.
    func pop(into out: inout [QueuedMessage], max: Int) -> Int {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .acquiring)
        let n = Swift.min(t - h, max)
        guard n > 0 else { return 0 }
        for i in 0..<n {
            out.append((slots + ((h + i) & mask)).move())
        }
        head.store(h + n, ordering: .releasing)
        return n
    }

    /// Producer: whether at least `mark` messages wait in the ring. Reads the consumer's index
    /// only when the cached one says so, so the common answer (no) costs one compare.
    @inline(__always)
    func holdsAtLeast(_ mark: Int) -> Bool {
        let t = tail.load(ordering: .relaxed)
        if t - producerHead < mark { return false }
        producerHead = head.load(ordering: .acquiring)
        return t - producerHead >= mark
    }

    /// Consumer: whether the producer has pushed anything not yet popped (spill not included).
    @inline(__always)
    var hasPushed: Bool {
        tail.load(ordering: .relaxed) != head.load(ordering: .relaxed)
    }

    /// Messages waiting (approximate when read by a third thread).
    var count: Int {
        tail.load(ordering: .acquiring) - head.load(ordering: .acquiring) + spilled.load(ordering: .acquiring)
    }
}

/// 64 bytes of nothing: keeps the stored properties around it on separate cache lines.
struct CacheLinePad {
    private let bytes: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
}
