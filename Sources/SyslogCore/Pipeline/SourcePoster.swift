import Synchronization
import SyslogMessage

/// The handle a source driver posts through. It applies the post-time processing of the
/// source (hostname, tags, overrides, `$SOURCE`), takes a window slot, and routes the message
/// into a per-destination batch that is handed to the queues at the end of the batch.
///
/// - Note: Single producer: only the source's own thread calls `post` and `closeBatch`.
public final class SourcePoster: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `unannounced` and the producers are touched only by the
    // producing thread; the window and counters are thread-safe.
    public let window: SourceWindow
    /// The `source` statement name (`$SOURCE`, `.source.<name>` tag).
    public let sourceName: String
    /// Index of the source statement in the pipeline (log path matching).
    let sourceIndex: Int
    public let options: SourceOptions
    unowned(unsafe) let pipeline: Pipeline
    private let keepHostname: Bool
    private let chainHostnames: Bool
    private let sourceTag: String
    /// One producer handle per destination of the pipeline (index = destination index).
    private let producers: [QueueProducer]
    /// When no path of this source filters: the producers each message goes to, and whether
    /// that path is flow-controlled. nil: route through the log paths per message.
    /// (Unmanaged: `producers` keeps them alive; no reference counting per message.)
    /// (A buffer of its own, freed in deinit: iterating an array property would retain and
    /// release the array's storage on every message.)
    private let direct: UnsafeBufferPointer<(producer: Unmanaged<QueueProducer>, flowControl: Bool)>?
    /// The destination queues, to wake at the end of a batch (kept alive by `producers`).
    private let queues: UnsafeBufferPointer<Unmanaged<DestinationQueue>>
    /// `$HOST_FROM` of local messages, the local host name.
    private let localHost: LogValue
    private let localHostText: String
    /// `$SOURCE`.
    private let sourceValue: LogValue
    /// Whether the source statement sets `tags()`, `host-override()` or `program-override()`.
    private let hasTagsOrOverrides: Bool
    /// Messages posted since the last `closeBatch`.
    private var unannounced = 0
    /// Whether the source waits for busy destinations (see `relieve`).
    private let canWait: Bool
    /// Messages posted.
    public let received = Atomic<Int>(0)
    /// Naps taken while a destination was behind (see `relieve`), and how long they took
    /// (nanoseconds); written by the source's thread only.
    public let naps = Atomic<Int>(0)
    public let napNanoseconds = Atomic<Int64>(0)
    /// Consumers are woken at least this often even without `closeBatch`.
    static let maxBatch = 256

    /// Whether `default-facility`/`default-severity` overwrite every message's PRI.
    private let overwritePriority: Bool
    /// Whether any log path of this source has `flags(flow-control)`.
    private let flowControlled: Bool

    init(pipeline: Pipeline, sourceIndex: Int, sourceName: String, options: SourceOptions,
         overwritePriority: Bool = true, canWait: Bool = true) {
        self.overwritePriority = overwritePriority
        self.canWait = canWait
        self.flowControlled = pipeline.hasFlowControl(sourceIndex: sourceIndex)
        self.pipeline = pipeline
        self.sourceIndex = sourceIndex
        self.sourceName = sourceName
        self.options = options
        self.window = SourceWindow(capacity: options.logIWSize)
        self.keepHostname = options.keepHostname ?? pipeline.globals.keepHostname
        self.chainHostnames = options.chainHostnames ?? pipeline.globals.chainHostnames
        self.sourceTag = ".source." + sourceName
        let window = options.logIWSize
        let producers = pipeline.destinations.map { $0.queue.makeProducer(minimumCapacity: window) }
        self.producers = producers
        self.direct = pipeline.directTargets(sourceIndex: sourceIndex).map { targets in
            SourcePoster.buffer(targets.map { (Unmanaged.passUnretained(producers[$0.destination]), $0.flowControl) })
        }
        self.queues = SourcePoster.buffer(producers.map { Unmanaged.passUnretained($0.queue) })
        self.localHostText = pipeline.globals.localHostname
        self.localHost = .string(localHostText)
        self.sourceValue = .string(sourceName)
        self.hasTagsOrOverrides = !options.tags.isEmpty || options.hostOverride != nil
            || options.programOverride != nil
    }

    deinit {
        direct?.deallocate()
        queues.deallocate()
    }

    /// A copy of `items` in memory of its own (freed by deinit).
    private static func buffer<T>(_ items: [T]) -> UnsafeBufferPointer<T> {
        let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, items.count))
        _ = p.initialize(from: items)
        return UnsafeBufferPointer(start: p.baseAddress, count: items.count)
    }

    /// True once the pipeline asked sources to stop.
    public var isStopping: Bool { window.isStopping }

    /// Posts a message. Blocks (after handing over the pending batch) while the window is full.
    /// - Parameter waiting: wraps a wait for window space (the Python source releases the GIL).
    public func post(_ msg: LogMessage, waiting: (() -> Void) -> Void = { $0() }) {
        prepare(msg)
        // A message with an ack target of its own (a Python ack tracker's record) is always
        // acknowledged, also on paths without flow control (there: as soon as it is queued).
        guard flowControlled || msg.ackTarget != nil else {
            countReceived()
            // No flow-controlled path: every destination acknowledges at enqueue, so the
            // window never fills; skip its bookkeeping.
            if route(msg) { relieve(waiting: waiting) }
            unannounced += 1
            if unannounced >= SourcePoster.maxBatch { closeBatch() }
            return
        }
        window.take(beforeSleep: { closeBatch() }, waiting: waiting)
        countReceived()
        if msg.ackTarget == nil { msg.ackTarget = window }
        msg.retainAck()
        if route(msg) { relieve(waiting: waiting) }
        msg.acknowledge()
        unannounced += 1
        if unannounced >= SourcePoster.maxBatch { closeBatch() }
    }

    /// Routes the message; true when a queue it went into without flow control is filling up.
    @inline(__always)
    private func route(_ msg: LogMessage) -> Bool {
        var fillingUp = false
        if let direct {
            for t in direct {
                if t.flowControl { msg.retainAck() }
                t.producer._withUnsafeGuaranteedRef {
                    $0.push(QueuedMessage(msg, flowControlled: t.flowControl))
                    if !t.flowControl && $0.isFillingUp { fillingUp = true }
                }
            }
        } else {
            pipeline.route(msg, sourceIndex: sourceIndex, into: producers)
            if unannounced & 15 == 0 {
                for p in producers where p.isFillingUp { fillingUp = true }
            }
        }
        return fillingUp
    }

    /// The first nap while a destination catches up; naps double up to ``napMax``.
    static let napMin = 0.00005
    static let napMax = 0.001

    /// A destination queue without flow control holds more than its wait mark (three quarters
    /// of `log-fifo-size`, at most 2048 messages of this source): its worker is behind
    /// (it missed a CPU, the disk is flushing). A source that can wait wakes it and naps (the
    /// GIL released) until the queue is below that mark again, for as long as that destination
    /// keeps writing, so a slow destination loses nothing. Only a destination that has shown
    /// no progress for its `stall-timeout()` is not waited for: its queue then drops what does
    /// not fit, as syslog-ng's does, and the other destinations keep flowing.
    private func relieve(waiting: (() -> Void) -> Void) {
        closeBatch()
        guard canWait else { return }
        var nap = SourcePoster.napMin
        let start = monotonicNanoseconds()
        var now = start
        defer {
            if now != start { napNanoseconds.store(napNanoseconds.load(ordering: .relaxed) + now - start, ordering: .relaxed) }
        }
        while !isStopping {
            guard producers.contains(where: { $0.isFillingUp && !$0.queue.isStalled(now: now) }) else { return }
            naps.store(naps.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            waiting { sleepSeconds(nap) }
            nap = min(SourcePoster.napMax, nap * 2)
            now = monotonicNanoseconds()
        }
    }

    /// One more message posted. Only this source's thread writes the counter, so a plain
    /// load and store will do (no locked instruction per message).
    @inline(__always)
    private func countReceived() {
        received.store(received.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
    }

    /// Ends the batch: wakes destination workers that sleep, so what was posted is written
    /// promptly. Costs one atomic load per destination when the workers are busy.
    public func closeBatch() {
        guard unannounced > 0 else { return }
        unannounced = 0
        for q in queues { q._withUnsafeGuaranteedRef { $0.notify() } }
    }

    /// The source has stopped: announce the last batch and release the producer rings.
    func finish() {
        closeBatch()
        let n = naps.load(ordering: .relaxed)
        if n > 0 {
            InternalLog.shared.debug("Source waited for destinations that were behind",
                                     [("source", sourceName), ("naps", String(n)),
                                      ("waited", String(Double(napNanoseconds.load(ordering: .relaxed)) / 1e9) + "s")])
        }
        for p in producers { p.close() }
    }

    /// Post-time processing, in syslog-ng's order.
    private func prepare(_ msg: LogMessage) {
        if overwritePriority {
            if let f = options.defaultFacility { msg.pri = UInt16(f * 8) | (msg.pri & 7) }
            if let s = options.defaultSeverity { msg.pri = (msg.pri & ~7) | UInt16(s) }
        }
        // The common case (a local message without HOST, no chain-hostnames, no
        // program-override) in one step; SOURCE is then set already.
        let sourceSet = msg.sourceAddress == nil && !chainHostnames && options.programOverride == nil
            && msg.setLocalDefaults(host: localHost, source: sourceValue)
        if !sourceSet {
            let resolved: String
            if let address = msg.sourceAddress {
                // A network source sets HOST_FROM itself when it resolved the sender's name.
                if let name = msg[.hostFrom] {
                    resolved = name.text
                } else {
                    resolved = address
                    msg[.hostFrom] = .string(address)
                }
            } else {
                resolved = localHostText
                msg[.hostFrom] = localHost
            }
            let origHost = msg[.host]?.text ?? ""
            if !keepHostname || origHost.isEmpty {
                if chainHostnames && !msg.isLocal {
                    msg.set(.host, (origHost.isEmpty ? resolved : origHost) + "/" + resolved)
                } else if msg.sourceAddress == nil {
                    msg[.host] = localHost
                } else {
                    msg.set(.host, resolved)
                }
            }
        }
        if hasTagsOrOverrides {
            for t in options.tags { msg.addTag(t) }
            if let h = options.hostOverride { msg.set(.host, h) }
            if let p = options.programOverride { msg.set(.program, p) }
        }
        msg.sourceTag = sourceTag
        if !sourceSet { msg[.source] = sourceValue }
    }
}
