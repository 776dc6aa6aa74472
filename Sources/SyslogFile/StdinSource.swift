#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage

/// `stdin()`: reads lines from standard input, parses them as BSD syslog (unless
/// `flags(no-parse)`), and — as syslog-ng — stops the daemon when input ends.
public final class StdinSource: ThreadedSourceBody, @unchecked Sendable {
    // Invariant for @unchecked Sendable: configuration is immutable; `stopRequested` is atomic;
    // `sequence` is used by the source thread only.
    public let driverName = "stdin"
    public let threadName = "src:stdin"
    public var parsesPriority: Bool { parse }
    let fd: Int32
    let parse: Bool
    /// `flags(syslog-protocol)`: lines are RFC 5424 (RFC 3164 when they are not).
    let syslogProtocol: Bool
    let maxSize: Int
    /// The number of the last message posted (this source's thread only).
    private var sequence: UInt64 = 0
    let exitOnEOF: Bool
    private let stopRequested = Atomic<Bool>(false)
    /// Lines longer than `log-msg-size`.
    public let truncated = Atomic<Int>(0)
    /// A partial line read by a stopped instance (reload), continued by the next one.
    private static let carry = Mutex<[Int32: [UInt8]]>([:])

    init(fd: Int32, parse: Bool, syslogProtocol: Bool, maxSize: Int, exitOnEOF: Bool) {
        self.fd = fd
        self.parse = parse
        self.syslogProtocol = syslogProtocol
        self.maxSize = maxSize
        self.exitOnEOF = exitOnEOF
    }

    public func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var framer = LineFramer(maxSize: maxSize, carry: StdinSource.carry.withLock { $0.removeValue(forKey: fd) } ?? [])
        var eof = false
        while !stopRequested.load(ordering: .relaxed) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let pr = poll(&pfd, 1, 100)
            if pr == 0 { poster.closeBatch(); continue }
            if pr < 0 { if errno == EINTR { continue }; break }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; break }
            if n == 0 { eof = true; break }
            framer.feed(chunk[0..<n]) { frame in
                if frame.truncated {
                    truncated.add(1, ordering: .relaxed)
                    InternalLog.shared.warning("Input is longer than log-msg-size, truncating",
                                               [("log_msg_size", String(maxSize)), ("driver", "stdin")])
                }
                emit(frame.bytes, poster)
            }
            poster.closeBatch()
        }
        if let rest = framer.pending {
            if eof {
                emit(rest, poster)
            } else {
                StdinSource.carry.withLock { $0[fd] = rest }
            }
        }
        poster.closeBatch()
        if eof && exitOnEOF && !stopRequested.load(ordering: .relaxed) {
            InternalLog.shared.notice("EOF occurred while reading stdin, stopping", [("fd", String(fd))])
            kill(getpid(), SIGTERM)
        }
        return .returned
    }

    private func emit(_ raw: [UInt8], _ poster: SourcePoster) {
        var bytes = raw
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        // Empty lines are skipped, as syslog-ng skips them.
        guard !bytes.isEmpty else { return }
        let msg = LogMessage()
        msg.rawSize = raw.count
        if !parse {
            msg[.message] = LogValue.string(bytes: bytes)
        } else if syslogProtocol && SyslogParser.parseRFC5424(bytes, into: msg) {
            // RFC 5424
        } else if !SyslogParser.parseRFC3164(bytes, into: msg, defaultPriority: poster.options.defaultPriority) {
            SyslogParser.errorMessage(for: bytes, into: msg)
        }
        // A local source: messages are numbered ($SEQNUM, `[meta sequenceId=…]` in $SDATA).
        sequence &+= 1
        msg.sequence = sequence
        poster.post(msg)
    }

    public func requestExit() { stopRequested.store(true, ordering: .relaxed) }

    static func register(in registry: DriverRegistry) {
        register(in: registry, fd: 0, exitOnEOF: true)
    }

    /// `stdin()` as configured.
    struct Config: SourceDriverConfig {
        let fd: Int32
        let parse: Bool
        let syslogProtocol: Bool
        let maxSize: Int
        let exitOnEOF: Bool
        let policy: SourceRunPolicy

        func build(_ ctx: BuildContext) -> any SourceDriver {
            ThreadedSource(StdinSource(fd: fd, parse: parse, syslogProtocol: syslogProtocol, maxSize: maxSize,
                                       exitOnEOF: exitOnEOF), policy: policy)
        }
    }

    /// Registers `stdin()` reading `fd`; with `exitOnEOF` the daemon stops at end of input, as
    /// syslog-ng's does (the in-process test harness reads a pipe and stops by itself).
    public static func register(in registry: DriverRegistry, fd: Int32, exitOnEOF: Bool) {
        registry.registerSource("stdin") { (reader, ctx) throws(ConfigError) in
            Config(fd: fd, parse: !ctx.sourceOptions.flags.contains("no-parse"),
                   syslogProtocol: ctx.sourceOptions.flags.contains("syslog-protocol"),
                   maxSize: ctx.sourceOptions.logMsgSize ?? ctx.globals.logMsgSize, exitOnEOF: exitOnEOF,
                   policy: SourceRunPolicy(globals: ctx.globals))
        }
    }
}
