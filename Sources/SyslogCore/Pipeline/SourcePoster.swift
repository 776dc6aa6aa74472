import Synchronization
import SyslogMessage

/// The handle a source driver posts through. It applies the post-time processing of the
/// source (hostname, tags, overrides, `$SOURCE`), takes a window slot, and routes the message
/// into a per-destination batch that is handed to the queues at the end of the batch.
///
/// - Note: Single producer: only the source's own thread calls `post` and `closeBatch`.
public final class SourcePoster: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `pending` and `pendingCount` are touched only by the
    // producing thread; the window and counters are thread-safe.
    public let window: SourceWindow
    /// The `source` statement name (`$SOURCE`, `.source.<name>` tag).
    public let sourceName: String
    /// Index of the source statement in the pipeline (log path matching).
    let sourceIndex: Int
    public let options: SourceOptions
    unowned let pipeline: Pipeline
    private let keepHostname: Bool
    private let chainHostnames: Bool
    private let sourceTag: String
    private var pending: [[QueuedMessage]]
    private var pendingCount = 0
    /// Messages posted.
    public let received = Atomic<Int>(0)
    /// Batches larger than this are handed over even without `closeBatch`.
    static let maxBatch = 256

    init(pipeline: Pipeline, sourceIndex: Int, sourceName: String, options: SourceOptions) {
        self.pipeline = pipeline
        self.sourceIndex = sourceIndex
        self.sourceName = sourceName
        self.options = options
        self.window = SourceWindow(capacity: options.logIWSize)
        self.keepHostname = options.keepHostname ?? pipeline.globals.keepHostname
        self.chainHostnames = options.chainHostnames ?? pipeline.globals.chainHostnames
        self.sourceTag = ".source." + sourceName
        self.pending = Array(repeating: [], count: pipeline.destinations.count)
    }

    /// True once the pipeline asked sources to stop.
    public var isStopping: Bool { window.isStopping }

    /// Posts a message. Blocks (after handing over the pending batch) while the window is full.
    public func post(_ msg: LogMessage) {
        prepare(msg)
        window.take(beforeSleep: { closeBatch() })
        msg.ackTarget = window
        msg.retainAck()
        received.add(1, ordering: .relaxed)
        pipeline.route(msg, sourceIndex: sourceIndex, into: &pending, count: &pendingCount)
        msg.acknowledge()
        if pendingCount >= SourcePoster.maxBatch { closeBatch() }
    }

    /// Hands everything routed so far to the destination queues and wakes their workers.
    public func closeBatch() {
        guard pendingCount > 0 else { return }
        for i in pending.indices where !pending[i].isEmpty {
            pipeline.destinations[i].queue.push(pending[i])
            pending[i].removeAll(keepingCapacity: true)
        }
        pendingCount = 0
    }

    /// Post-time processing, in syslog-ng's order.
    private func prepare(_ msg: LogMessage) {
        if let f = options.defaultFacility { msg.pri = UInt16(f * 8) | (msg.pri & 7) }
        if let s = options.defaultSeverity { msg.pri = (msg.pri & ~7) | UInt16(s) }
        let resolved = msg.sourceAddress ?? pipeline.globals.localHostname
        msg[.hostFrom] = .string(resolved)
        let origHost = msg[.host]?.text ?? ""
        if chainHostnames {
            if msg.isLocal {
                msg.set(.host, origHost.isEmpty ? resolved : origHost)
            } else {
                msg.set(.host, (origHost.isEmpty ? resolved : origHost) + "/" + resolved)
            }
        } else if !keepHostname || origHost.isEmpty {
            msg.set(.host, resolved)
        }
        for t in options.tags { msg.addTag(t) }
        msg.addTag(sourceTag)
        if let h = options.hostOverride { msg.set(.host, h) }
        if let p = options.programOverride { msg.set(.program, p) }
        msg[.source] = .string(sourceName)
    }
}
