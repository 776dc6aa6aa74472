#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogMessage

/// The daemon's own messages (syslog-ng's "internal" messages): start-up, shutdown, reload and
/// every error. They go to the `internal()` source(s) when one runs, and to stderr with `-e`
/// or while no `internal()` source runs yet.
///
/// Texts follow syslog-ng's: `Short sentence; key='value', key2='value2'`.
public final class InternalLog: Sendable {
    public static let shared = InternalLog()

    /// Severity numbers as syslog: 3 error, 4 warning, 5 notice, 6 info, 7 debug; 8 = trace.
    public enum Level: Int, Sendable {
        case error = 3, warning = 4, notice = 5, info = 6, debug = 7, trace = 8
    }

    /// What the command line asked for.
    public struct Settings: Sendable {
        public var toStderr = false
        public var verbose = false
        public var debug = false
        public var trace = false
        public init() {}
    }

    private struct State {
        var settings = Settings()
        var sinks: [ObjectIdentifier: any InternalSink] = [:]
        /// Events logged while no sink was attached, delivered to the first sink.
        var backlog: [LogMessage] = []
        var sequence: UInt64 = 0
        var stderrAlways = true
    }
    private let state = Mutex(State())
    /// The maximum number of events kept while no `internal()` source runs.
    static let backlogLimit = 1000

    private init() {}

    public var settings: Settings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    /// Whether messages of `level` are emitted at all with the current flags.
    public func isEnabled(_ level: Level) -> Bool {
        let s = state.withLock { $0.settings }
        switch level {
        case .error, .warning, .notice: return true
        case .info: return s.verbose || s.debug || s.trace
        case .debug: return s.debug || s.trace
        case .trace: return s.trace
        }
    }

    /// Logs a message with structured key-value pairs, e.g.
    /// `log(.error, "Error opening file for writing", ["filename": p, "error": e])`.
    /// - Parameter severityOverride: the severity the message carries when it differs from the
    ///   level that decides whether it is emitted (Python's `Logger.info` always reaches
    ///   `internal()` but keeps severity info).
    public func log(_ level: Level, _ text: String, _ pairs: [(String, String)] = [],
                    severityOverride: Level? = nil) {
        guard isEnabled(level) else { return }
        // syslog-ng's event format: the description, ';', then `key='value'` pairs.
        var line = text + ";"
        if !pairs.isEmpty {
            line += " "
            line += pairs.map { "\($0.0)='\($0.1)'" }.joined(separator: ", ")
        }
        emit(severityOverride ?? level, line)
    }

    public func error(_ text: String, _ pairs: [(String, String)] = []) { log(.error, text, pairs) }
    public func warning(_ text: String, _ pairs: [(String, String)] = []) { log(.warning, text, pairs) }
    public func notice(_ text: String, _ pairs: [(String, String)] = []) { log(.notice, text, pairs) }
    public func info(_ text: String, _ pairs: [(String, String)] = []) { log(.info, text, pairs) }
    public func debug(_ text: String, _ pairs: [(String, String)] = []) { log(.debug, text, pairs) }

    private func emit(_ level: Level, _ line: String) {
        let msg = LogMessage(message: line)
        msg.pri = UInt16(5 * 8 + min(level.rawValue, 7))
        msg.set(.program, "syslog-ng")
        msg.set(.pid, String(getpid()))
        msg.isLocal = true
        let (sinks, printIt): ([any InternalSink], Bool) = state.withLock { s in
            s.sequence += 1
            msg.sequence = s.sequence
            let print = s.settings.toStderr || s.sinks.isEmpty
            if s.sinks.isEmpty {
                s.backlog.append(msg)
                if s.backlog.count > InternalLog.backlogLimit { s.backlog.removeFirst() }
            }
            return (Array(s.sinks.values), print)
        }
        if printIt { writeStderr(line, stamp: msg.stamp) }
        for sink in sinks { sink.deliver(msg.clone()) }
    }

    private func writeStderr(_ line: String, stamp: LogStamp) {
        let c = stamp.components()
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let ts = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(Int(stamp.microseconds), 6))"
        let out = "[\(ts)] \(line)\n"
        StandardError.write(out)
    }

    /// Attaches an `internal()` source; it first receives the backlog.
    public func attach(_ sink: any InternalSink) {
        let backlog: [LogMessage] = state.withLock { s in
            s.sinks[ObjectIdentifier(sink)] = sink
            let b = s.backlog
            s.backlog = []
            return b
        }
        for m in backlog { sink.deliver(m) }
    }

    public func detach(_ sink: any InternalSink) {
        _ = state.withLock { $0.sinks.removeValue(forKey: ObjectIdentifier(sink)) }
    }

    /// Drops the backlog (tests).
    public func resetBacklog() {
        state.withLock { $0.backlog = [] }
    }
}

/// Something that takes internal messages (the `internal()` source).
public protocol InternalSink: AnyObject, Sendable {
    /// Called on the logging thread; must not block for long.
    func deliver(_ msg: LogMessage)
}

/// Unbuffered writes to file descriptor 2.
public enum StandardError {
    public static func write(_ text: String) {
        _ = FileDescriptor.writeAll(2, text)
    }
}

/// Writing whole buffers to file descriptors.
public enum FileDescriptor {
    /// Writes all of `text`, retrying short writes and EINTR; false on error.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var t = text
        return t.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; false on error.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + off }, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            if n == 0 { return false }
            off += n
        }
        return true
    }
}
