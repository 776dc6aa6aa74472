import SyslogMessage

/// `internal()`: the daemon's own messages as a source.
public final class InternalSource: SourceDriver, InternalSink, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `buffer`, `stopping` are guarded by `lock`; `thread` is
    // touched by the control thread only.
    public let driverName = "internal"
    private let lock = ConditionLock()
    private var buffer: [LogMessage] = []
    private var stopping = false
    private var thread: OSThread?
    /// Messages kept while the source cannot post them fast enough.
    static let bufferLimit = 10000

    public init() {}

    public func deliver(_ msg: LogMessage) {
        lock.withLock {
            if buffer.count < InternalSource.bufferLimit { buffer.append(msg) }
            lock.signal()
        }
    }

    public func start(_ poster: SourcePoster) {
        InternalLog.shared.attach(self)
        thread = OSThread.start(name: "src:internal") { [self] in
            while true {
                let (batch, stop): ([LogMessage], Bool) = lock.withLock {
                    while buffer.isEmpty && !stopping { lock.wait(seconds: 1) }
                    let b = buffer
                    buffer.removeAll()
                    return (b, stopping)
                }
                for m in batch { poster.post(m) }
                poster.closeBatch()
                if stop { break }
            }
        }
    }

    public func requestStop() {
        InternalLog.shared.detach(self)
        lock.withLock {
            stopping = true
            lock.signal()
        }
    }

    public func join() {
        thread?.join()
        thread = nil
    }

    /// Registers `internal()`.
    public static func register(in registry: DriverRegistry) {
        registry.registerSource("internal") { _, _ in InternalSource() }
    }
}
