#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A value kept in the persist file.
public enum PersistValue: Equatable, Sendable {
    case string(String)
    case int(Int64)
    case bytes([UInt8])
}

/// The daemon's persist file (`-R`): named values that survive restarts and reloads (the run
/// id, Python `Persist()` namespaces, later file positions).
///
/// The file is a journal: a header, then one checksummed record per change, each appended with
/// a single `write()`. Loading applies the records in order and stops at the first one that is
/// incomplete or fails its checksum, so after a `kill -9` at any moment every key has either
/// its old or its new value, never a torn one. When the journal has grown to several times
/// the live data it is rewritten through a temporary file, `fsync` and `rename`.
///
/// Not `fsync`ed per write (a process crash loses nothing the kernel has; a power loss may lose
/// the newest changes, never consistency): `sync()` runs at compaction and shutdown.
public final class PersistStore: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `values`, `fd`, `journalBytes` are only touched with
    // `lock` held.
    public let path: String
    private let lock = Mutex<Void>(())
    /// Keys as UTF-8 bytes: Python tells keys apart by code points, Swift's `String` equality
    /// by canonical equivalence (`é` and `e\u{301}` would be one key).
    private var values: [[UInt8]: PersistValue] = [:]
    private var fd: Int32 = -1
    private var journalBytes = 0
    /// Bytes of a value plus its key, at most (larger values are refused).
    public static let maxEntrySize = 1 << 20
    static let magic: [UInt8] = Array("SSWPERSIST1\n".utf8)

    /// The store Python's `Persist()` and other plugins use; nil before the daemon opened one.
    nonisolated(unsafe) private static var currentStore: PersistStore?
    private static let currentLock = Mutex<Void>(())
    /// False until the first configuration is being initialised (spec: `Persist()` in the first
    /// config's `python {}` block is an error).
    private static let available = Atomic<Bool>(false)

    public static var current: PersistStore? {
        get { currentLock.withLock { _ in currentStore } }
        set { currentLock.withLock { _ in currentStore = newValue } }
    }

    /// The store of the running configuration, or nil while none is initialised yet.
    public static var ready: PersistStore? {
        available.load(ordering: .acquiring) ? current : nil
    }

    public static func setAvailable(_ on: Bool) { available.store(on, ordering: .releasing) }

    public enum OpenError: Error, CustomStringConvertible {
        case io(String, String)
        public var description: String {
            switch self { case .io(let p, let e): return "Error opening persist file; filename='\(p)', error='\(e)'" }
        }
    }

    /// Opens (or creates) the file and loads it. An older `key=value` text file is read too.
    public init(path: String) throws(OpenError) {
        self.path = path
        let existing = PersistStore.readAll(path)
        if let data = existing {
            values = PersistStore.decode(data)
        }
        let ok: Bool = lock.withLock { _ in compactLocked() }
        if !ok { throw .io(path, String(cString: strerror(errno))) }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    // MARK: access

    public func get(_ key: String) -> PersistValue? {
        lock.withLock { _ in values[Array(key.utf8)] }
    }

    /// Keys that start with `prefix` (compared as bytes), with the prefix removed, sorted.
    public func keys(withPrefix prefix: String) -> [String] {
        let p = Array(prefix.utf8)
        let matching: [[UInt8]] = lock.withLock { _ in values.keys.filter { $0.starts(with: p) } }
        return matching.map { String(decoding: $0.dropFirst(p.count), as: UTF8.self) }.sorted()
    }

    /// Stores a value; false when it could not be written (too large, disk error).
    @discardableResult
    public func set(_ key: String, _ value: PersistValue) -> Bool {
        let record = PersistStore.record(op: 1, key: key, value: value)
        guard record.count <= PersistStore.maxEntrySize else { return false }
        let k = Array(key.utf8)
        return lock.withLock { _ in
            if values[k] == value { return true }
            guard append(record) else { return false }
            values[k] = value
            maybeCompact()
            return true
        }
    }

    /// Removes a key; false when the change could not be written.
    @discardableResult
    public func remove(_ key: String) -> Bool {
        let k = Array(key.utf8)
        return lock.withLock { _ in
            guard values[k] != nil else { return true }
            guard append(PersistStore.record(op: 2, key: key, value: .bytes([]))) else { return false }
            values[k] = nil
            maybeCompact()
            return true
        }
    }

    /// Flushes the file to disk (shutdown).
    public func sync() {
        lock.withLock { _ in if fd >= 0 { _ = fdatasync(fd) } }
    }

    /// Bytes in the journal (for tests: compaction keeps it bounded).
    public var fileSize: Int { lock.withLock { _ in journalBytes } }

    // MARK: file

    /// Appends one record. A write that failed part-way (a full disk) is cut off again, so a
    /// later record never lands behind a damaged one (loading stops at the first damaged record).
    private func append(_ record: [UInt8]) -> Bool {
        guard fd >= 0 else { return false }
        let ok = record.withUnsafeBytes { FileDescriptor.writeAll(fd, $0) }
        if ok {
            journalBytes += record.count
        } else if ftruncate(fd, off_t(journalBytes)) != 0 {
            // Cannot cut it off: rewrite the file from memory, or stop writing to it.
            if !compactLocked() {
                close(fd)
                fd = -1
            }
        }
        return ok
    }

    private func maybeCompact() {
        let live = values.reduce(0) { $0 + 16 + $1.key.count + PersistStore.size($1.value) }
        if journalBytes > 64 * 1024 && journalBytes > 4 * live { _ = compactLocked() }
    }

    /// Writes the live values to a new file and renames it over the journal.
    private func compactLocked() -> Bool {
        var out = PersistStore.magic
        for k in values.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            out += PersistStore.record(op: 1, key: k, value: values[k]!)
        }
        let tmp = path + ".tmp"
        let nfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard nfd >= 0 else { return false }
        let written = out.withUnsafeBytes { FileDescriptor.writeAll(nfd, $0) }
        guard written, fsync(nfd) == 0, rename(tmp, path) == 0 else {
            close(nfd)
            unlink(tmp)
            return false
        }
        close(nfd)
        PersistStore.syncDirectory(of: path)
        let afd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard afd >= 0 else { return false }
        if fd >= 0 { close(fd) }
        fd = afd
        journalBytes = out.count
        return true
    }

    private static func syncDirectory(of path: String) {
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    // MARK: encoding

    /// `[u32 payload length][u32 CRC-32 of payload][payload]`; payload: op (1 set, 2 remove),
    /// value type (0 string, 1 int, 2 bytes), u32 key length, key, value.
    static func record(op: UInt8, key: String, value: PersistValue) -> [UInt8] {
        record(op: op, key: Array(key.utf8), value: value)
    }

    static func record(op: UInt8, key k: [UInt8], value: PersistValue) -> [UInt8] {
        var payload: [UInt8] = [op]
        switch value {
        case .string(let s):
            payload.append(0)
            appendU32(&payload, UInt32(k.count))
            payload += k
            payload += Array(s.utf8)
        case .int(let i):
            payload.append(1)
            appendU32(&payload, UInt32(k.count))
            payload += k
            withUnsafeBytes(of: i.littleEndian) { payload += $0 }
        case .bytes(let b):
            payload.append(2)
            appendU32(&payload, UInt32(k.count))
            payload += k
            payload += b
        }
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 8)
        appendU32(&out, UInt32(payload.count))
        appendU32(&out, CRC32.checksum(payload))
        return out + payload
    }

    private static func size(_ v: PersistValue) -> Int {
        switch v {
        case .string(let s): return s.utf8.count
        case .int: return 8
        case .bytes(let b): return b.count
        }
    }

    private static func appendU32(_ a: inout [UInt8], _ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { a += $0 }
    }

    private static func readU32(_ d: [UInt8], _ at: Int) -> UInt32 {
        UInt32(d[at]) | UInt32(d[at + 1]) << 8 | UInt32(d[at + 2]) << 16 | UInt32(d[at + 3]) << 24
    }

    /// The values a file holds: journal records up to the first damaged one, or the lines of
    /// the older text format (`key=value`, as strings).
    static func decode(_ data: [UInt8]) -> [[UInt8]: PersistValue] {
        var values: [[UInt8]: PersistValue] = [:]
        guard data.starts(with: magic) else {
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let kv = line.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { values[Array(kv[0].utf8)] = .string(String(kv[1])) }
            }
            return values
        }
        var at = magic.count
        while at + 8 <= data.count {
            let len = Int(readU32(data, at))
            let crc = readU32(data, at + 4)
            let start = at + 8
            guard len >= 6, start + len <= data.count else { break }
            let payload = Array(data[start..<(start + len)])
            guard CRC32.checksum(payload) == crc else { break }
            let keyLen = Int(readU32(payload, 2))
            guard 6 + keyLen <= payload.count else { break }
            let key = Array(payload[6..<(6 + keyLen)])
            let rest = Array(payload[(6 + keyLen)...])
            if payload[0] == 2 {
                values[key] = nil
            } else {
                switch payload[1] {
                case 0: values[key] = .string(String(decoding: rest, as: UTF8.self))
                case 1:
                    guard rest.count == 8 else { break }
                    var i: Int64 = 0
                    for (n, b) in rest.enumerated() { i |= Int64(b) << (8 * Int64(n)) }
                    values[key] = .int(i)
                default: values[key] = .bytes(rest)
                }
            }
            at = start + len
        }
        return values
    }

    static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

/// CRC-32 (IEEE 802.3, reflected), table-driven.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
