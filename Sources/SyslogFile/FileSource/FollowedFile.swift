#if canImport(Glibc)
import Glibc
#endif
import SyslogCore
import SyslogMessage

/// One file a file source follows: reads it as it grows, notices rotation (the name now
/// names another file: the old one is read to its end first), truncation (copytruncate:
/// read again from the start) and deletion, and turns its lines into messages.
///
/// Used by its source's thread only.
final class FollowedFile {
    let path: String
    private let settings: FileSourceSettings
    private let fileNameValue: LogValue
    private(set) var fd: Int32 = -1
    private(set) var identity: FileIdentity?
    /// Bytes read and not yet consumed as lines; `bufferStart` is the file offset of the first.
    private var buffer = ReadBuffer()
    private var bufferStart: Int64 = 0
    /// The offset after the last line made into a message (or dropped): where a reload's next
    /// source instance continues.
    private var consumed: Int64 = 0
    private var assembler: MultiLineAssembler
    private(set) var tracker: FilePositionTracker?
    /// A tracker of the previous source instance (reload) still waiting for acknowledgements:
    /// the position saved is its until it has none left.
    private var predecessor: FilePositionTracker?
    private var lastSaved: (FileIdentity, Int64)?
    /// When data last arrived (for `multi-line-timeout()`).
    private var lastData = monotonicSeconds()
    /// The name no longer names a file (deleted, or renamed away without a successor yet).
    private(set) var gone = false

    static let fileNameHandle = NameRegistry.shared.handle(for: "FILE_NAME")
    static let chunk = 64 * 1024

    init(path: String, settings: FileSourceSettings) {
        self.path = path
        self.settings = settings
        self.fileNameValue = .string(path)
        self.assembler = settings.assembler()
    }

    var isOpen: Bool { fd >= 0 }

    // MARK: opening

    /// Opens the file if it exists. `firstTime`: the file was there when the source started
    /// (a saved position, a reload's hand-over or `read-old-records()` decide where reading
    /// starts); otherwise it is new and read from its start.
    @discardableResult
    func open(poster: SourcePoster, firstTime: Bool, handover: FileHandover?) -> Bool {
        let flags = settings.isPipe ? O_RDWR | O_NONBLOCK | O_CLOEXEC : O_RDONLY | O_NONBLOCK | O_CLOEXEC
        let f = Glibc.open(path, flags)
        guard f >= 0 else { return false }
        var st = stat()
        guard fstat(f, &st) == 0 else { Glibc.close(f); return false }
        if !settings.isPipe && (st.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(f)
            return false
        }
        let id = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        var start: Int64 = 0
        if settings.persistent && (st.st_mode & S_IFMT) == S_IFREG {
            if let h = handover, h.identity == id, h.offset <= Int64(st.st_size) {
                start = h.offset
                predecessor = h.tracker
            } else if firstTime {
                if let saved = FollowedFile.savedPosition(path), saved.0 == id {
                    start = saved.1 <= Int64(st.st_size) ? saved.1 : 0
                } else if !settings.readOldRecords {
                    start = Int64(st.st_size)
                }
            }
            if start > 0 { lseek(f, off_t(start), SEEK_SET) }
        }
        fd = f
        identity = id
        buffer.removeAll()
        bufferStart = start
        consumed = start
        assembler.discard()
        tracker = FilePositionTracker(identity: id, start: start, window: poster.window)
        gone = false
        lastData = monotonicSeconds()
        return true
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    // MARK: reading

    /// Hands a finished message on, with the tracker that acknowledges it and the file offset
    /// just past its last byte.
    typealias Post = (LogMessage, FilePositionTracker, Int64) -> Void

    /// Reads what is there and posts its messages. Returns true when data was read.
    func pump(_ post: Post) -> Bool {
        guard fd >= 0, let tracker else { return false }
        let n = buffer.read(fd, FollowedFile.chunk)
        if n <= 0 {
            if n < 0 && errno != EAGAIN && errno != EINTR {
                InternalLog.shared.error("Error reading file", [("filename", path), ("error", String(cString: strerror(errno)))])
            }
            return false
        }
        lastData = monotonicSeconds()
        frame(tracker, post)
        return true
    }

    /// Cuts the buffer into lines and feeds them to the assembler.
    private func frame(_ tracker: FilePositionTracker, _ post: Post) {
        let maxSize = settings.maxSize
        var used = 0
        buffer.withBytes { all in
            let count = all.count
            var start = 0
            while start < count {
                let rest = count - start
                let nl: Int? = all.baseAddress.flatMap { base in
                    memchr(base + start, 0x0A, rest).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                }
                var lineEnd: Int
                var next: Int
                if let nl, nl - start <= maxSize {
                    lineEnd = nl
                    next = nl + 1
                } else if rest > maxSize {
                    // Longer than log-msg-size: split there, the rest is the next record.
                    lineEnd = start + maxSize
                    next = lineEnd
                } else {
                    break
                }
                var line = UnsafeBufferPointer(rebasing: all[start..<lineEnd])
                if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                let end = bufferStart + Int64(next)
                assembler.feed(line, end: end) { out in emit(out, tracker, post) }
                if assembler.held == nil { consumed = end }
                start = next
            }
            used = start
        }
        if used > 0 {
            buffer.consume(used)
            bufferStart += Int64(used)
        }
    }

    private func emit(_ out: MultiLineAssembler.Output, _ tracker: FilePositionTracker, _ post: Post) {
        consumed = out.end
        guard !out.bytes.isEmpty, let msg = makeMessage(out.bytes) else {
            tracker.skipped(end: out.end)
            return
        }
        post(msg, tracker, out.end)
    }

    private func makeMessage(_ bytes: [UInt8]) -> LogMessage? {
        let msg = LogMessage()
        msg.rawSize = bytes.count
        if !settings.parse {
            msg[.message] = LogValue.string(bytes: bytes)
        } else if settings.syslogProtocol && SyslogParser.parseRFC5424(bytes, into: msg) {
            // RFC 5424
        } else if !SyslogParser.parseRFC3164(bytes, into: msg, defaultPriority: settings.defaultPriority) {
            SyslogParser.errorMessage(for: bytes, into: msg)
        }
        msg[FollowedFile.fileNameHandle] = fileNameValue
        msg[.transport] = KernelLogSource.transportValue
        return msg
    }

    /// Posts what the file holds that will not be completed any more: the unterminated last
    /// line and a held multi-line message (the file was rotated away or deleted).
    func finishFile(_ post: Post) {
        guard let tracker else { return }
        if !buffer.isEmpty {
            let end = bufferStart + Int64(buffer.count)
            buffer.withBytes { all in
                assembler.feed(all, end: end) { out in emit(out, tracker, post) }
            }
            buffer.removeAll()
            bufferStart = end
        }
        assembler.flush { out in emit(out, tracker, post) }
    }

    /// `multi-line-timeout()`: posts a held message once no data came for that long.
    func flushIfIdle(_ post: Post) {
        guard settings.multiLineTimeout > 0, assembler.held != nil, let tracker,
              monotonicSeconds() - lastData >= settings.multiLineTimeout else { return }
        assembler.flush { out in emit(out, tracker, post) }
    }

    // MARK: rotation

    enum Change { case none, truncated, replaced, gone }

    /// At the end of the file: has the name been given to another file, or the file cut short?
    func checkChange() -> Change {
        guard fd >= 0, let identity, !settings.isPipe else { return .none }
        var st = stat()
        if stat(path, &st) != 0 { return .gone }
        let id = FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        if id != identity { return .replaced }
        var own = stat()
        if fstat(fd, &own) == 0, Int64(own.st_size) < bufferStart + Int64(buffer.count) { return .truncated }
        return .none
    }

    /// copytruncate: read again from the start.
    func restartAfterTruncation(poster: SourcePoster) {
        InternalLog.shared.notice("File was truncated, reading it from the start", [("filename", path)])
        lseek(fd, 0, SEEK_SET)
        buffer.removeAll()
        bufferStart = 0
        consumed = 0
        assembler.discard()
        if let id = identity { tracker = FilePositionTracker(identity: id, start: 0, window: poster.window) }
    }

    func markGone() { gone = true }

    // MARK: positions

    /// Saves the acknowledged position when it moved (source thread).
    func savePosition() {
        guard settings.persistent, let tracker else { return }
        var offset = tracker.acknowledgedOffset
        if let p = predecessor {
            if p.hasPending { offset = p.acknowledgedOffset } else { predecessor = nil }
        }
        if let last = lastSaved, last.0 == tracker.identity, last.1 == offset { return }
        FollowedFile.save(path, tracker.identity, offset)
        lastSaved = (tracker.identity, offset)
    }

    /// The source stopped: what a reload's next instance needs, and from now on the trackers
    /// save the position themselves as acknowledgements arrive.
    func handOver() -> FileHandover? {
        guard settings.persistent, let tracker else { return nil }
        let path = self.path
        let id = tracker.identity
        let current = tracker.saveOnAcknowledge { offset in FollowedFile.save(path, id, offset) }
        if predecessor == nil || !predecessor!.hasPending { FollowedFile.save(path, id, current) }
        return FileHandover(identity: id, offset: consumed, tracker: tracker)
    }

    static func save(_ path: String, _ id: FileIdentity, _ offset: Int64) {
        _ = PersistStore.current?.set(FileSourceSettings.persistKey(path),
                                      .string("\(id.device) \(id.inode) \(offset)"))
    }

    static func savedPosition(_ path: String) -> (FileIdentity, Int64)? {
        guard case .string(let text)? = PersistStore.current?.get(FileSourceSettings.persistKey(path)) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 3, let d = UInt64(parts[0]), let i = UInt64(parts[1]), let o = Int64(parts[2]) else { return nil }
        return (FileIdentity(device: d, inode: i), o)
    }
}

/// Where a stopped source instance left a file, for the next one (a reload): the offset after
/// its last posted message and the tracker that still waits for their acknowledgements.
struct FileHandover: @unchecked Sendable {
    // Invariant for @unchecked Sendable: the tracker is thread-safe.
    var identity: FileIdentity
    var offset: Int64
    var tracker: FilePositionTracker
}

/// The bytes read from a file and not yet made into lines: read into directly (no copy), the
/// consumed front moved away after each chunk.
struct ReadBuffer: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = FollowedFile.chunk
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }

    /// Reads up to `max` bytes from `fd` after what is held; the result of `read(2)`.
    mutating func read(_ fd: Int32, _ max: Int) -> Int {
        if capacity - count < max {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: count + max)
            bigger.update(from: storage, count: count)
            storage.deallocate()
            storage = bigger
            capacity = count + max
        }
        let n = Glibc.read(fd, storage + count, max)
        if n > 0 { count += n }
        return n
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: storage, count: count))
    }

    /// Drops the first `n` bytes.
    mutating func consume(_ n: Int) {
        let rest = count - n
        if rest > 0 { memmove(storage, storage + n, rest) }
        count = rest
    }

    mutating func removeAll() { count = 0 }
}
