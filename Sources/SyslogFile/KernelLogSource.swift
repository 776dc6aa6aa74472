#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage

/// `file("/dev/kmsg" format("linux-kmsg"))`, the kernel log of `system()` on Linux: one record
/// per `read()` of the kmsg device (`PRI,SEQ,USEC,FLAGS;TEXT`, then ` KEY=VALUE` lines),
/// posted as a message with `$PROGRAM` `kernel` (from `program-override()`), `$MSG` the text
/// and each `KEY=VALUE` as `.linux.KEY`.
///
/// Where it left off (the boot and the record's sequence number) is kept in the persist file,
/// so a restart or reload neither repeats nor skips records; a new boot, or no record of one,
/// starts at the oldest record the kernel still holds, as syslog-ng reads a new file from its
/// beginning.
final class KernelLogSource: ThreadedSourceBody, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `path` is immutable; `stopRequested` is atomic; the
    // rest is used by the source thread only.
    let driverName = "file"
    let threadName = "src:kmsg"
    var parsesPriority: Bool { true }
    let path: String
    private let stopRequested = Atomic<Bool>(false)

    init(path: String) { self.path = path }

    var persistName: String? { "affile_sd_curpos(\(path))" }
    var logPairs: [(String, String)] { [("driver", "file"), ("filename", path)] }

    static let linuxPrefix = ".linux."
    /// `$TRANSPORT` of file sources.
    static let transportValue = LogValue.string("local+file")

    func requestExit() { stopRequested.store(true, ordering: .relaxed) }

    func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            InternalLog.shared.error("Error opening file for reading",
                                     [("filename", path), ("error", String(cString: strerror(errno)))])
            return .returned
        }
        defer { Glibc.close(fd) }
        let boot = Self.bootID()
        let key = persistName!
        var last: UInt64? = nil
        if case .string(let saved)? = PersistStore.current?.get(key) {
            let parts = saved.split(separator: " ")
            if parts.count == 2, String(parts[0]) == boot { last = UInt64(parts[1]) }
        }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var lastSaved = last
        /// Records where reading got to, when it moved since the last time.
        func savePosition() {
            guard lastSaved != last, let seq = last else { return }
            _ = PersistStore.current?.set(key, .string("\(boot) \(seq)"))
            lastSaved = last
        }
        while !stopRequested.load(ordering: .relaxed) {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                switch errno {
                case EINTR: continue
                case EPIPE: continue // records were overwritten before we read them: go on
                case EAGAIN:
                    poster.closeBatch()
                    savePosition()
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&pfd, 1, 100)
                    continue
                default:
                    InternalLog.shared.error("Error reading file", [("filename", path),
                                                                    ("error", String(cString: strerror(errno)))])
                    return .returned
                }
            }
            if n == 0 { break }
            guard let record = Self.parse(buffer[0..<n]) else { continue }
            if let l = last, record.sequence <= l { continue }
            last = record.sequence
            poster.post(record.message)
        }
        poster.closeBatch()
        savePosition()
        return .returned
    }

    struct Record {
        var sequence: UInt64
        var message: LogMessage
    }

    /// One kmsg record; nil when it is not one.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Record? {
        guard let semicolon = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let fields = bytes[bytes.startIndex..<semicolon].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 3, let pri = decimal(fields[0]), let seq = decimal(fields[1]) else { return nil }
        var lines = bytes[(semicolon + 1)...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let text = lines.isEmpty ? [] : lines.removeFirst()
        let msg = LogMessage()
        msg.rawSize = bytes.count
        msg.pri = UInt16(truncatingIfNeeded: min(pri, UInt64(UInt16.max)))
        msg[.message] = LogValue.string(bytes: text)
        msg[.transport] = transportValue
        for line in lines where line.first == UInt8(ascii: " ") {
            let entry = line.dropFirst()
            guard let eq = entry.firstIndex(of: UInt8(ascii: "=")), eq > entry.startIndex else { continue }
            let name = linuxPrefix + String(decoding: entry[entry.startIndex..<eq], as: UTF8.self)
            msg[NameRegistry.shared.handle(for: name)] = LogValue.string(bytes: entry[(eq + 1)...])
        }
        return Record(sequence: seq, message: msg)
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var v: UInt64 = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            v = v * 10 + UInt64(d - 0x30)
        }
        return v
    }

    /// This boot's id (sequence numbers start again at each boot).
    static func bootID() -> String {
        guard let f = fopen("/proc/sys/kernel/random/boot_id", "r") else { return "unknown" }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), f) != nil else { return "unknown" }
        let text = String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "unknown" : text
    }

    struct Config: SourceDriverConfig {
        let path: String
        let policy: SourceRunPolicy
        func build(_ ctx: BuildContext) -> any SourceDriver {
            ThreadedSource(KernelLogSource(path: path), policy: policy)
        }
    }

    /// The kernel log device, when this process can read it.
    static var readableDevice: String? {
        access("/dev/kmsg", R_OK) == 0 ? "/dev/kmsg" : nil
    }
}
