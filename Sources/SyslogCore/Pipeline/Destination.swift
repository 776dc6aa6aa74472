import Synchronization
import SyslogMessage

/// A running destination: its queue, its worker thread and its writer.
public final class Destination: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `thread` is set by `start` and read by `stop` on the
    // control thread only; everything the worker touches is its own or atomic.
    public let spec: DestinationSpec
    /// The statement name, e.g. `d_file`.
    public let statementName: String
    public let queue: DestinationQueue
    private var thread: OSThread?
    private let stopRequested = Atomic<Bool>(false)
    private let drainOnStop = Atomic<Bool>(true)
    /// Messages written.
    public let written = Atomic<Int>(0)

    /// The largest batch handed to the writer at once. Messages of a batch are out of the
    /// queue but alive until written, so this adds to what a busy destination holds (1024
    /// measured the same throughput and more peak RSS).
    static let batchSize = 256

    public init(spec: DestinationSpec, statementName: String, queue: DestinationQueue) {
        self.spec = spec
        self.statementName = statementName
        self.queue = queue
    }

    /// The driver's own preparation (``DestinationSpec/initialize``) succeeded; undone by `stop`.
    private var initialized = false

    public func initialize() throws(PipelineInitError) {
        try spec.initialize?()
        initialized = true
    }

    /// Undoes ``initialize()`` (after the worker stopped, or when the configuration is refused).
    public func deinitialize() {
        guard initialized else { return }
        initialized = false
        spec.deinitialize?()
    }

    public func start() {
        queue.configure(owner: statementName, stallTimeout: spec.stallTimeout)
        let name = "dst:" + statementName
        thread = OSThread.start(name: name) { [self] in run() }
    }

    /// Stops the worker. With `drain`, it first writes what is queued (unless the writer is
    /// failing); without, unwritten messages stay in the queue for the next configuration.
    /// A worker that makes no progress for `stop-timeout` seconds (an output that blocks, such as
    /// a FIFO nobody reads) is abandoned, logged, so shutdown and reload never hang on it.
    public func stop(drain: Bool) {
        drainOnStop.store(drain, ordering: .relaxed)
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        queue.wake()
        guard let t = thread else {
            deinitialize()
            return
        }
        thread = nil
        let started = monotonicNanoseconds()
        let limit = Int64(spec.stopTimeout * 1e9)
        let stopped = t.join(giveUp: { [queue] in
            let now = monotonicNanoseconds()
            return now - started > limit && queue.idleNanoseconds(now: now) > limit
        })
        if !stopped {
            InternalLog.shared.error("Destination did not stop in time, abandoning its thread",
                                     [("driver", statementName), ("queued", String(queue.count)),
                                      ("waited", ThreadedSource.seconds(Double(monotonicNanoseconds() - started) / 1e9))])
            t.detach()
            AbandonedSources.keep([self])
            return
        }
        deinitialize()
    }

    private func run() {
        let writer = spec.makeWriter()
        defer {
            // One more flush at every stop; what the writer could not deliver stays queued.
            writer.flush()
            let undelivered = writer.takeUndelivered()
            if !undelivered.isEmpty { queue.pushFront(undelivered) }
            writer.close()
        }
        var batch: [QueuedMessage] = []
        batch.reserveCapacity(Destination.batchSize)
        while true {
            let stopping = stopRequested.load(ordering: .sequentiallyConsistent)
            if stopping && !drainOnStop.load(ordering: .relaxed) { break }
            batch.removeAll(keepingCapacity: true)
            // Output is flushed when the queue runs dry, so a steady stream is written in large
            // chunks while a lone message still goes out at once.
            // With a flush deadline (batch-timeout()) the worker waits for more until then.
            var timeout = stopping ? 0 : 1.0
            if !stopping, let deadline = writer.flushDeadline {
                timeout = min(timeout, max(0.001, Double(deadline - monotonicNanoseconds()) / 1e9))
            }
            queue.take(into: &batch, max: Destination.batchSize, timeout: timeout, whenIdle: {
                if stopping || (writer.flushDeadline.map { $0 <= monotonicNanoseconds() } ?? true) { writer.flush() }
            })
            if batch.isEmpty {
                // The idle flush failed (a Python destination's queued batch): its messages go
                // back to the head of the queue and are sent again after time-reopen.
                // (Messages waiting for their flush deadline are not undelivered.)
                let undelivered = writer.flushDeadline == nil ? writer.takeUndelivered() : []
                if !undelivered.isEmpty {
                    queue.pushFront(undelivered)
                    if !sleepBeforeRetry() { break }
                    continue
                }
                if stopping { break }
                continue
            }
            var done = 0
            while done < batch.count {
                let n = writer.write(batch[done...])
                if n > 0 { queue.markProgress() }
                finish(batch[done..<(done + n)], writer)
                done += n
                if done < batch.count {
                    if !sleepBeforeRetry() {
                        queue.pushFront(Array(batch[done...]))
                        return
                    }
                }
            }
        }
    }

    /// Counts written messages and acknowledges the flow-controlled ones once their output has
    /// reached the kernel.
    private func finish(_ written: ArraySlice<QueuedMessage>, _ writer: any DestinationWriter) {
        guard !written.isEmpty else { return }
        self.written.add(written.count, ordering: .relaxed)
        if writer.acknowledgesItself { return }
        var flushed = false
        for q in written where q.flowControlled {
            if !flushed {
                writer.flush()
                flushed = true
            }
            q.message.acknowledge()
        }
    }

    /// Waits `time-reopen` seconds; false when a stop arrived meanwhile.
    private func sleepBeforeRetry() -> Bool {
        let deadline = monotonicSeconds() + spec.timeReopen
        while monotonicSeconds() < deadline {
            if stopRequested.load(ordering: .sequentiallyConsistent) { return false }
            sleepSeconds(min(0.05, max(0, deadline - monotonicSeconds())))
        }
        return !stopRequested.load(ordering: .sequentiallyConsistent)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Sleeps the calling thread.
public func sleepSeconds(_ s: Double) {
    guard s > 0 else { return }
    var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
    nanosleep(&ts, nil)
}
