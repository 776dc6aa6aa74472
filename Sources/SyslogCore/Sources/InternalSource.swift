import SyslogMessage

/// `internal()`: the daemon's own messages as a source.
public final class InternalSource: ThreadedSourceBody, InternalSink, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `buffer`, `stopping` are guarded by `lock`.
    public let driverName = "internal"
    public let threadName = "src:internal"
    private let lock = ConditionLock()
    private var buffer: [LogMessage] = []
    private var stopping = false
    /// Messages kept while the source cannot post them fast enough.
    static let bufferLimit = 10000

    public init() {}

    public func deliver(_ msg: LogMessage) {
        lock.withLock {
            if buffer.count < InternalSource.bufferLimit { buffer.append(msg) }
            lock.signal()
        }
    }

    /// Attached before the thread starts, so nothing logged from here on goes only to stderr.
    public func willStart() { InternalLog.shared.attach(self) }

    public func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        while true {
            let (batch, stop): ([LogMessage], Bool) = lock.withLock {
                while buffer.isEmpty && !stopping { lock.wait(seconds: 1) }
                let b = buffer
                buffer.removeAll()
                return (b, stopping)
            }
            for m in batch { poster.post(m) }
            poster.closeBatch()
            if stop { return .returned }
        }
    }

    public func requestExit() {
        InternalLog.shared.detach(self)
        lock.withLock {
            stopping = true
            lock.signal()
        }
    }

    /// `internal()` as configured.
    struct Config: SourceDriverConfig {
        let policy: SourceRunPolicy
        func build(_ ctx: BuildContext) -> any SourceDriver { ThreadedSource(InternalSource(), policy: policy) }
    }

    /// Registers `internal()`.
    public static func register(in registry: DriverRegistry) {
        registry.registerSource("internal") { _, ctx in Config(policy: SourceRunPolicy(globals: ctx.globals)) }
    }
}
