#if canImport(Glibc)
import Glibc
#endif
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// Writes rendered messages to files named by a (possibly templated) path, or to a fixed file
/// descriptor (`stdout()`). Output is buffered per file and written once per batch.
///
/// - Note: Used only on its destination's worker thread.
final class FileWriter: DestinationWriter {
    struct Settings: Sendable {
        var statementName: String
        var driverName: String
        var pathTemplate: Template?
        var template: Template
        var createDirs: Bool
        var dirPerm: Int
        var perm: Int
        var timeReap: Double
        var timeReopen: Double
        var fixedFD: Int32?
        /// `pipe()`: the path is a FIFO, opened read-write (opening never waits for a reader;
        /// a full pipe makes writing wait) and never created.
        var isPipe = false
    }

    final class OpenFile {
        let fd: Int32
        let path: String
        var buffer: [UInt8] = []
        var lastUse: Double
        init(fd: Int32, path: String, now: Double) {
            self.fd = fd
            self.path = path
            self.lastUse = now
            buffer.reserveCapacity(FileWriter.flushThreshold)
        }
    }

    static let flushThreshold = 64 * 1024
    /// Output waiting in all files' buffers is written out beyond this (many templated files
    /// must not each hold a full buffer).
    static let pendingLimit = 256 * 1024
    /// More open files than this closes the least recently used ones.
    static let maxOpenFiles = 256

    let settings: Settings
    private var ctx = TemplateRenderContext()
    private var pathBuffer: [UInt8] = []
    private var files: [String: OpenFile] = [:]
    private var lastFile: OpenFile?
    private var lastReap = monotonicSeconds()
    private var failedOpens: [String: Double] = [:]
    /// Bytes waiting in the buffers of all files.
    private var pendingBytes = 0

    init(_ settings: Settings) {
        self.settings = settings
    }

    func write(_ batch: ArraySlice<QueuedMessage>) -> Int {
        var written = 0
        for q in batch {
            guard let f = file(for: q.message) else { break }
            let before = f.buffer.count
            settings.template.render(q.message, into: &f.buffer, context: &ctx)
            pendingBytes += f.buffer.count - before
            if f.buffer.count >= FileWriter.flushThreshold, !flush(f) { break }
            if pendingBytes >= FileWriter.pendingLimit { flush() }
            written += 1
        }
        reapIdleFiles()
        return written
    }

    func flush() {
        for f in files.values where !f.buffer.isEmpty { _ = flush(f) }
        if let f = lastFile, !f.buffer.isEmpty { _ = flush(f) }
    }

    func close() {
        for f in files.values {
            _ = flush(f)
            if settings.fixedFD == nil { Glibc.close(f.fd) }
        }
        if let f = lastFile, settings.fixedFD != nil { _ = flush(f) }
        files.removeAll()
        lastFile = nil
    }

    /// The open file for this message's path, opening it if needed; nil when it cannot be opened.
    private func file(for msg: LogMessage) -> OpenFile? {
        if let fd = settings.fixedFD {
            if let f = lastFile { return f }
            let f = OpenFile(fd: fd, path: "<stdout>", now: monotonicSeconds())
            lastFile = f
            return f
        }
        guard let pt = settings.pathTemplate else { return nil }
        let path: String
        if let literal = pt.literalText {
            if let f = lastFile { return f }
            path = literal
        } else {
            pathBuffer.removeAll(keepingCapacity: true)
            pt.render(msg, into: &pathBuffer, context: &ctx)
            path = String(decoding: pathBuffer, as: UTF8.self)
            if let f = lastFile, f.path == path { return f }
        }
        if let f = files[path] {
            lastFile = f
            return f
        }
        guard let f = open(path) else { return nil }
        files[path] = f
        lastFile = f
        if files.count > FileWriter.maxOpenFiles { closeLeastRecentlyUsed() }
        return f
    }

    private func open(_ path: String) -> OpenFile? {
        let now = monotonicSeconds()
        if let failed = failedOpens[path], now - failed < settings.timeReopen { return nil }
        let flags = settings.isPipe ? O_RDWR | O_CLOEXEC | O_NOCTTY : O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY
        var fd = Glibc.open(path, flags, mode_t(settings.perm))
        if fd < 0 && errno == ENOENT && settings.createDirs {
            FileWriter.makeDirectories(parentOf: path, perm: settings.dirPerm)
            fd = Glibc.open(path, flags, mode_t(settings.perm))
        }
        if fd < 0 {
            let err = errno
            failedOpens[path] = now
            InternalLog.shared.error("Error opening file for writing", [
                ("filename", path), ("error", "\(String(cString: strerror(err))) (\(err))"),
                ("driver", settings.statementName), ("time_reopen", String(Int(settings.timeReopen))),
            ])
            return nil
        }
        failedOpens[path] = nil
        return OpenFile(fd: fd, path: path, now: now)
    }

    /// Writes out the file's buffer. On error the file is closed (reopened later) and the
    /// error logged.
    private func flush(_ f: OpenFile) -> Bool {
        pendingBytes -= f.buffer.count
        let ok = f.buffer.withUnsafeBytes { FileDescriptor.writeAll(f.fd, $0) }
        if !ok {
            let err = errno
            InternalLog.shared.error("I/O error occurred while writing", [
                ("fd", String(f.fd)), ("filename", f.path),
                ("error", "\(String(cString: strerror(err))) (\(err))"),
            ])
            if settings.fixedFD == nil {
                Glibc.close(f.fd)
                files[f.path] = nil
                if lastFile === f { lastFile = nil }
            }
        }
        f.buffer.removeAll(keepingCapacity: true)
        f.lastUse = monotonicSeconds()
        return ok
    }

    private func reapIdleFiles() {
        guard settings.fixedFD == nil, settings.pathTemplate?.isLiteral == false else { return }
        let now = monotonicSeconds()
        guard now - lastReap >= 1 else { return }
        lastReap = now
        for (path, f) in files where now - f.lastUse >= settings.timeReap {
            _ = flush(f)
            Glibc.close(f.fd)
            files[path] = nil
            if lastFile === f { lastFile = nil }
        }
    }

    private func closeLeastRecentlyUsed() {
        guard let oldest = files.values.min(by: { $0.lastUse < $1.lastUse }) else { return }
        _ = flush(oldest)
        Glibc.close(oldest.fd)
        files[oldest.path] = nil
        if lastFile === oldest { lastFile = nil }
    }

    /// `mkdir -p` of the directory part of `path`.
    static func makeDirectories(parentOf path: String, perm: Int) {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return }
        parts.removeLast()
        var cur = path.hasPrefix("/") ? "" : "."
        for p in parts where !p.isEmpty {
            cur += "/" + p
            _ = mkdir(cur, mode_t(perm))
        }
    }
}
