import SyslogMessage
import SyslogTemplates

/// What a destination driver does with messages; the pipeline's worker thread calls it.
///
/// - Note: All methods are called on the destination's worker thread only.
public protocol DestinationWriter: AnyObject {
    /// Writes `batch` in order. Returns how many leading messages were written; fewer than
    /// `batch.count` means the rest failed and will be retried after `time-reopen`.
    /// Output may stay buffered until ``flush()``.
    func write(_ batch: ArraySlice<QueuedMessage>) -> Int
    /// Hands buffered output to the kernel. The worker calls it when its queue runs dry and
    /// before acknowledging flow-controlled messages.
    func flush()
    /// Closes files/connections (end of this configuration's run).
    func close()
    /// True when the writer acknowledges flow-controlled messages itself, once they are really
    /// delivered (a Python destination's `QUEUED` ones after a successful `flush()`); the worker
    /// then only counts what `write` consumed.
    var acknowledgesItself: Bool { get }
    /// Messages the writer consumed but did not deliver (queued, then a failed flush): the
    /// worker puts them back at the head of the queue when it stops.
    func takeUndelivered() -> [QueuedMessage]
    /// When buffered output must be flushed although more may come (monotonic nanoseconds;
    /// a Python destination's `batch-timeout()`): until then a dry queue does not flush.
    /// nil: flush as soon as the queue runs dry.
    var flushDeadline: Int64? { get }
}

extension DestinationWriter {
    public func flush() {}
    public var acknowledgesItself: Bool { false }
    public func takeUndelivered() -> [QueuedMessage] { [] }
    public var flushDeadline: Int64? { nil }
}

/// A parsed destination driver: what it is called and how to make its writer.
public struct DestinationSpec: Sendable {
    /// The `driver` name for messages: e.g. `file`.
    public var driverName: String
    /// Identifies the queue across reloads.
    public var persistName: String
    /// The queue bound (`log-fifo-size`).
    public var fifoSize: Int
    /// Seconds to wait before retrying after an error (`time-reopen`).
    public var timeReopen: Double
    /// Seconds without progress after which sources stop waiting for this destination and
    /// its full queue drops (`stall-timeout()`; sources without flow control wait meanwhile).
    public var stallTimeout: Double = GlobalOptions().stallTimeout
    /// Seconds without progress after a stop before the worker is abandoned (`stop-timeout()`).
    public var stopTimeout: Double = GlobalOptions().stopTimeout
    /// Makes the writer; called on the destination's worker thread.
    public var makeWriter: @Sendable () -> any DestinationWriter
    /// Prepares the driver when the pipeline initialises (control thread); throwing refuses
    /// the configuration (a Python destination's `init()`).
    public var initialize: (@Sendable () throws(PipelineInitError) -> Void)?
    /// Undoes ``initialize`` once the worker has stopped (control thread).
    public var deinitialize: (@Sendable () -> Void)?
    /// Messages the driver itself dropped (a Python destination's after `retries()`), added to
    /// the queue's drops in the statistics.
    public var driverDropped: (@Sendable () -> Int)?
    /// Bytes the driver reports as written (a Python destination's `stats_written_bytes_add()`);
    /// the statistics show `written_bytes` for drivers that have it.
    public var driverWrittenBytes: (@Sendable () -> Int)?
    /// `workers(N)`: the specs of workers 2…N, each with a writer (and driver instance) of its
    /// own on a thread of its own. Each worker has its own queue (persist name `<name>#<i>`);
    /// messages go to them by ``partitionKey`` or in turn.
    public var extraWorkers: [DestinationSpec] = []
    /// `worker-partition-key()`: messages whose key renders the same go to the same worker, so
    /// their order is kept. Without it the workers take messages in turn.
    public var partitionKey: Template?

    public init(driverName: String, persistName: String, fifoSize: Int, timeReopen: Double,
                makeWriter: @escaping @Sendable () -> any DestinationWriter) {
        self.driverName = driverName
        self.persistName = persistName
        self.fifoSize = fifoSize
        self.timeReopen = timeReopen
        self.makeWriter = makeWriter
    }
}
