import Synchronization
import SyslogMessage

/// A message waiting in a destination queue, and whether its window slot waits for the write.
public struct QueuedMessage: Sendable {
    public var message: LogMessage
    public var flowControlled: Bool
    public init(_ message: LogMessage, flowControlled: Bool) {
        self.message = message
        self.flowControlled = flowControlled
    }
}

/// A destination's in-memory queue. Every source thread gets its own lock-free producer ring
/// (bounded by `log-fifo-size`); the destination worker drains all of them. The worker is woken
/// only when it sleeps, so posting takes no lock.
///
/// Queues outlive a configuration: on reload the new destination with the same persist name
/// adopts the old queue, rings and all, so nothing queued is lost.
public final class DestinationQueue: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `rings`, `overflow`, `wakeRequested` and `capacity`
    // are only touched with `lock` held; ring contents follow MessageRing's SPSC rules.
    private let lock = ConditionLock()
    private var rings: [MessageRing] = []
    /// Messages put back by a stopped worker; taken before the rings.
    private var requeued: [QueuedMessage] = []
    private var wakeRequested = false
    private var capacity: Int
    private let consumerSleeping = Atomic<Bool>(false)
    /// Messages dropped because the queue was full (without flow control).
    public let dropped = Atomic<Int>(0)
    /// `dropped`, read.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
    public let persistName: String
    /// When the worker last showed it is alive: it wrote, or it waited for messages
    /// (monotonic nanoseconds). On a cache line of its own, away from what producers read
    /// on every message (`consumerSleeping`), and stored at most once a millisecond.
    private let progressPad0: CacheLinePad = .init()
    private let lastProgress = Atomic<Int64>(monotonicNanoseconds())
    private let progressPad1: CacheLinePad = .init()
    /// `stall-timeout()` in nanoseconds: a queue whose worker showed no progress for this long
    /// is stalled, and sources stop waiting for it.
    private let stallNanoseconds = Atomic<Int64>(1_000_000_000)
    /// The statement name of the destination that owns the queue now (for log messages).
    private var ownerName = ""
    /// Drops not reported yet, and when they were last reported (with `lock`).
    private var unreportedDrops = 0
    private var lastDropReport: Int64 = 0

    public init(persistName: String, capacity: Int) {
        self.persistName = persistName
        self.capacity = max(1, capacity)
    }

    /// Who owns the queue in this configuration, and its `stall-timeout()` (a reload may change both).
    public func configure(owner: String, stallTimeout: Double) {
        lock.withLock { ownerName = owner }
        stallNanoseconds.store(Int64(max(0, stallTimeout) * 1e9), ordering: .relaxed)
        markProgress()
    }

    /// The worker is alive: it wrote something or is waiting for messages.
    @inline(__always)
    public func markProgress() {
        let now = monotonicNanoseconds()
        if now - lastProgress.load(ordering: .relaxed) > 1_000_000 {
            lastProgress.store(now, ordering: .relaxed)
        }
    }

    /// Nanoseconds since the worker last showed progress.
    public func idleNanoseconds(now: Int64) -> Int64 {
        now - lastProgress.load(ordering: .relaxed)
    }

    /// True when the worker has shown no progress for `stall-timeout()`: it is stuck (an output
    /// that takes nothing, a writer retrying after errors), not merely slow.
    public func isStalled(now: Int64) -> Bool {
        idleNanoseconds(now: now) > stallNanoseconds.load(ordering: .relaxed)
    }

    /// Changes the bound of rings created from now on (a reload may set another log-fifo-size).
    public func setCapacity(_ c: Int) { lock.withLock { capacity = max(1, c) } }

    /// Messages waiting.
    public var count: Int {
        lock.withLock { requeued.count + rings.reduce(0) { $0 + $1.count } }
    }

    /// A producer handle for one source thread. `minimumCapacity` is the source's window: the
    /// ring holds `log-fifo-size` plus a window, so flow-controlled messages normally fit.
    public func makeProducer(minimumCapacity: Int = 0) -> QueueProducer {
        lock.withLock {
            let ring = MessageRing(capacity: min(capacity + max(0, minimumCapacity), 1 << 16))
            rings.append(ring)
            return QueueProducer(queue: self, ring: ring, limit: capacity)
        }
    }

    /// Producer slow path: the ring is full or has spilled before. Flow-controlled messages
    /// spill (never dropped); others are dropped once `log-fifo-size` are waiting.
    func spillPush(_ q: QueuedMessage, ring: MessageRing, limit: Int) {
        var report: (owner: String, count: Int)?
        let kept: Bool = lock.withLock {
            if !q.flowControlled && ring.count >= limit {
                unreportedDrops += 1
                let now = monotonicNanoseconds()
                if now - lastDropReport >= DestinationQueue.dropReportInterval {
                    report = (ownerName, unreportedDrops)
                    unreportedDrops = 0
                    lastDropReport = now
                }
                return false
            }
            ring.spill.append(q)
            ring.spilled.store(ring.spill.count, ordering: .releasing)
            return true
        }
        if kept {
            notify()
            return
        }
        dropped.add(1, ordering: .relaxed)
        if let report {
            InternalLog.shared.warning("Destination queue full, dropping messages",
                                       [("driver", report.owner), ("persist_name", persistName),
                                        ("log_fifo_size", String(limit)), ("dropped", String(report.count))])
        }
    }

    /// Drops are logged at most this often per queue (nanoseconds).
    static let dropReportInterval: Int64 = 1_000_000_000

    /// Wakes the worker if it sleeps (one atomic load when it does not).
    @inline(__always)
    public func notify() {
        // Orders the producer's ring write before this read (Dekker with `take`): without it
        // the worker may go to sleep on a ring that just got a message.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        if consumerSleeping.load(ordering: .sequentiallyConsistent) {
            lock.withLock { lock.signal() }
        }
    }

    /// Puts messages back at the head (unwritten messages of a stopped worker).
    public func pushFront(_ batch: [QueuedMessage]) {
        guard !batch.isEmpty else { return }
        lock.withLock {
            requeued.insert(contentsOf: batch, at: 0)
            lock.signal()
        }
    }

    /// How long an idle worker keeps polling its rings before it sleeps: a steady stream then
    /// never pays for a wake-up syscall per message.
    static let spinSeconds = 0.0002
    /// One poll interval within ``spinSeconds`` (the kernel's timer slack adds ~50 µs).
    static let napSeconds = 0.00001

    /// Takes up to `max` messages, waiting up to `timeout` seconds while empty. Returns an empty
    /// array on timeout or when woken by ``wake()``.
    public func take(max: Int, timeout: Double) -> [QueuedMessage] {
        var out: [QueuedMessage] = []
        take(into: &out, max: max, timeout: timeout)
        return out
    }

    /// Appends up to `max` messages to `out`, waiting up to `timeout` seconds while empty.
    /// `whenIdle` runs once the queue stayed empty for the spin period, before the worker
    /// sleeps (the writer flushes its buffers there).
    public func take(into out: inout [QueuedMessage], max: Int, timeout: Double,
                     whenIdle: () -> Void = {}) {
        markProgress()
        defer { markProgress() }
        let start = out.count
        let snapshot: [MessageRing] = lock.withLock {
            drain(into: &out, max: max)
            return rings
        }
        if out.count > start { return }
        if timeout <= 0 {
            whenIdle()
            return
        }
        // Nap instead of spinning: polling the rings' indices in a tight loop would pull their
        // cache lines away from the producer on every message. A nap also lets a batch build up.
        let deadline = monotonicSeconds() + DestinationQueue.spinSeconds
        var found = false
        napping: while true {
            for r in snapshot where r.hasPushed || r.spilled.load(ordering: .relaxed) > 0 {
                found = true
                break napping
            }
            if monotonicSeconds() >= deadline { break }
            sleepSeconds(DestinationQueue.napSeconds)
        }
        if !found { whenIdle() }
        lock.withLock {
            drain(into: &out, max: max)
            if out.count == start && !wakeRequested {
                consumerSleeping.store(true, ordering: .sequentiallyConsistent)
                drain(into: &out, max: max)
                if out.count == start { lock.wait(seconds: timeout) }
                consumerSleeping.store(false, ordering: .sequentiallyConsistent)
                if out.count == start { drain(into: &out, max: max) }
            }
            wakeRequested = false
        }
    }

    /// Moves queued messages into `out` (lock held): requeued ones first, then each ring in
    /// turn (a ring's spill only after the ring itself is empty).
    private func drain(into out: inout [QueuedMessage], max: Int) {
        if !requeued.isEmpty {
            let n = Swift.min(requeued.count, max)
            out.append(contentsOf: requeued.prefix(n))
            requeued.removeFirst(n)
        }
        for ring in rings where out.count < max {
            _ = ring.pop(into: &out, max: max - out.count)
            if !ring.spill.isEmpty && out.count < max && ring.count == ring.spill.count {
                let n = Swift.min(ring.spill.count, max - out.count)
                out.append(contentsOf: ring.spill.prefix(n))
                ring.spill.removeFirst(n)
                ring.spilled.store(ring.spill.count, ordering: .releasing)
            }
        }
        // Forget rings whose producer is gone once they are empty.
        rings.removeAll { $0.closed.load(ordering: .acquiring) && $0.count == 0 }
    }

    /// Wakes a waiting consumer (stop requests).
    public func wake() {
        lock.withLock {
            wakeRequested = true
            lock.signal()
        }
    }
}

/// One source thread's handle on a destination queue.
///
/// - Note: Single producer: only the owning source thread calls `push` and `close`.
public final class QueueProducer: @unchecked Sendable {
    // Invariant for @unchecked Sendable: used by one producer thread at a time.
    // The fields the producer reads on every message sit between two pads: a small object
    // shares cache lines with its allocator neighbours, whose writes (reference counts changed
    // by other threads) would otherwise cost the producer a cache miss per message.
    private let pad0: CacheLinePad = .init()
    let queue: DestinationQueue
    let ring: MessageRing
    /// `log-fifo-size`: more waiting messages than this drop new ones (unless flow-controlled).
    let limit: Int
    /// Above this many waiting messages the destination is falling behind and a source that
    /// can wait does (see `SourcePoster.relieve`): three quarters of `limit`, at most
    /// ``QueueProducer/waitMark``.
    private let highWater: Int
    /// A source waits once this many of its messages wait for a destination, whatever the
    /// queue's size: a few milliseconds of input at full speed, so a worker that is only
    /// descheduled for a moment never makes the queue drop, and memory stays small (about
    /// 0.6 MiB of messages; 2048 measured 1.5 MiB more peak RSS on the TCP benchmark and no
    /// more throughput).
    static let waitMark = 1024
    /// The next worker of a `workers(N)` destination whose first worker this producer feeds
    /// (``WorkerSet``; this thread only).
    var nextWorker = 0
    private let pad1: CacheLinePad = .init()

    init(queue: DestinationQueue, ring: MessageRing, limit: Int) {
        self.queue = queue
        self.ring = ring
        self.limit = min(limit, ring.capacity)
        self.highWater = max(1, min(self.limit - self.limit / 4, QueueProducer.waitMark))
    }

    /// Queues a message; a full queue drops it (counted) unless it is flow-controlled.
    @inline(__always)
    public func push(_ q: QueuedMessage) {
        if ring.spilled.load(ordering: .acquiring) == 0,
           ring.push(q, limit: q.flowControlled ? ring.capacity : limit) { return }
        queue.spillPush(q, ring: ring, limit: limit)
    }

    /// The destination is falling behind (see ``highWater``).
    @inline(__always)
    var isFillingUp: Bool { ring.holdsAtLeast(highWater) }

    /// The producer will push no more; the ring is dropped once drained.
    public func close() {
        ring.closed.store(true, ordering: .releasing)
        queue.notify()
    }
}
