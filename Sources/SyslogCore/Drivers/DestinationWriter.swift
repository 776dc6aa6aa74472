import SyslogMessage

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
}

extension DestinationWriter {
    public func flush() {}
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

    public init(driverName: String, persistName: String, fifoSize: Int, timeReopen: Double,
                makeWriter: @escaping @Sendable () -> any DestinationWriter) {
        self.driverName = driverName
        self.persistName = persistName
        self.fifoSize = fifoSize
        self.timeReopen = timeReopen
        self.makeWriter = makeWriter
    }
}
