import Synchronization

/// Receives acknowledgements for messages that held a slot of a source's window.
public protocol MessageAckTarget: AnyObject, Sendable {
    /// `count` messages have been fully processed; give their window slots back.
    func acknowledge(_ count: Int)
    /// `message` has been fully processed (a target that tells messages apart, e.g. a file
    /// source saving the position after the last acknowledged line). Default: `acknowledge(1)`.
    func acknowledge(message: LogMessage)
}

extension MessageAckTarget {
    public func acknowledge(message: LogMessage) { acknowledge(1) }
}

/// One log message: typed name-value pairs plus PRI, timestamps, tags and the sender's address.
///
/// - Note: A message is built and changed by one thread (its source). Once posted into the
///   pipeline it is read-only and may be read by several destination threads at once; only the
///   acknowledgement counter changes after that, atomically.
public final class LogMessage: @unchecked Sendable {
    // Invariant for @unchecked Sendable: every stored property except `pendingAcks` is written
    // only before the message is posted (single owner); afterwards all threads only read.

    public struct Entry: Sendable {
        // `value` first: the handle then fits in the value's tail padding (24 bytes, not 32).
        public var value: LogValue
        public var handle: NVHandle
        public init(handle: NVHandle, value: LogValue) {
            self.value = value
            self.handle = handle
        }
        static let unused = Entry(handle: NVHandle(raw: 0), value: .null)
    }

    // Name-value pairs in insertion order; few per message, so a linear scan beats hashing.
    // The first `inlineCapacity` (9: a network message's HOST PROGRAM PID MSG HOST_FROM PEERIP
    // PEERPORT TRANSPORT SOURCE) live inside the object (no second allocation per message);
    // a message with more keeps all of them in `spilledEntries`.
    /// How many name-value pairs a message holds without a separate allocation.
    public static let inlineCapacity = 9
    private var inlineEntries: (Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry) =
        (.unused, .unused, .unused, .unused, .unused, .unused, .unused, .unused, .unused)
    private var spilledEntries: [Entry]?
    /// Bit `h` set: handle `h` (< 64, the built-in names and the first interned ones) has an
    /// entry. Saves the scan for names a message does not have, the common case when posting.
    private var present: UInt64 = 0
    // The small fields sit together (one 8-byte word): a queued message stays at 360 bytes (jemalloc's 384-byte class).
    /// facility * 8 + severity. Default 13 (user.notice), as syslog-ng.
    public var pri: UInt16 = 13
    private var inlineCountStorage: UInt8 = 0
    /// A message the daemon generated itself (`internal()`).
    public var isLocal = false
    private var rawSizeStorage: Int32 = 0
    private var inlineCount: Int {
        get { Int(inlineCountStorage) }
        set { inlineCountStorage = UInt8(newValue) }
    }
    /// The message's own timestamp ($STAMP / S_ macros).
    public var stamp: LogStamp
    /// When the daemon received it ($R_ macros).
    public var received: LogStamp
    /// Tags added with ``addTag(_:)``, in order.
    public private(set) var addedTags: [String] = []
    /// The `.source.<name>` tag the pipeline adds at post time (kept apart: no array per message).
    public var sourceTag: String?

    /// All tags: the added ones, then the source tag.
    public var tags: [String] {
        guard let s = sourceTag else { return addedTags }
        return addedTags.contains(s) ? addedTags : addedTags + [s]
    }
    /// The sender's address as text (nil: local, rendered 127.0.0.1 by $SOURCEIP).
    public var sourceAddress: String?
    /// Size of the raw message as received, for counters.
    public var rawSize: Int {
        get { Int(rawSizeStorage) }
        set { rawSizeStorage = Int32(clamping: newValue) }
    }
    /// Sequence number within its source ($SEQNUM), 0 when not counted.
    public var sequence: UInt64 = 0

    /// Where the window slot goes back when the message is fully processed.
    public var ackTarget: (any MessageAckTarget)?
    /// Outstanding holders of this message that must acknowledge it.
    public let pendingAcks = Atomic<Int>(0)

    /// A new message with `stamp` and `received` set to now.
    public init() {
        let now = LogStamp.now()
        stamp = now
        received = now
    }

    /// A new message stamped at `now`.
    public init(stamp: LogStamp) {
        self.stamp = stamp
        self.received = stamp
    }

    /// A message with `MESSAGE` set to `text`.
    public init(message text: String, stamp: LogStamp = .now()) {
        self.stamp = stamp
        self.received = stamp
        inlineEntries.0 = Entry(handle: .message, value: .string(text))
        inlineCount = 1
        present = 1 << UInt64(NVHandle.message.raw)
    }

    // MARK: name-value storage

    /// Calls `body` with the name-value pairs, in insertion order.
    /// - Note: `body` must not change this message.
    @inline(__always)
    public func withEntries<R>(_ body: (UnsafeBufferPointer<Entry>) throws -> R) rethrows -> R {
        if let spilled = spilledEntries { return try spilled.withUnsafeBufferPointer(body) }
        let count = inlineCount
        return try withInlineEntries { try body(UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// The name-value pairs, in insertion order (a copy).
    public var entries: [Entry] {
        withEntries { Array($0) }
    }

    @inline(__always)
    private func withInlineEntries<R>(_ body: (UnsafeMutablePointer<Entry>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointer(to: &inlineEntries) { tuple in
            try tuple.withMemoryRebound(to: Entry.self, capacity: LogMessage.inlineCapacity, body)
        }
    }

    /// Index of `handle`'s entry, nil when unset.
    @inline(__always)
    private func index(of handle: NVHandle) -> Int? {
        withEntries { buf in
            for i in 0..<buf.count where buf[i].handle == handle { return i }
            return nil
        }
    }

    private func append(_ entry: Entry) {
        if spilledEntries != nil {
            spilledEntries!.append(entry)
            return
        }
        if inlineCount < LogMessage.inlineCapacity {
            let i = inlineCount
            // Slots past `inlineCount` hold `.unused` (no references): initialized over.
            withInlineEntries { ($0 + i).initialize(to: entry) }
            inlineCount += 1
            return
        }
        var all = entries
        all.reserveCapacity(LogMessage.inlineCapacity * 2)
        all.append(entry)
        spilledEntries = all
        withInlineEntries { p in for i in 0..<LogMessage.inlineCapacity { p[i] = .unused } }
        inlineCount = 0
    }

    /// Post-time values of a local message in one step: `HOST_FROM` and `HOST` become
    /// `host`, `SOURCE` becomes `source`. Returns false, changing nothing, unless the message
    /// has none of the three and room for them inline; the caller then sets them one by one.
    public func setLocalDefaults(host: LogValue, source: LogValue) -> Bool {
        let bits: UInt64 = 1 << UInt64(NVHandle.hostFrom.raw) | 1 << UInt64(NVHandle.host.raw)
            | 1 << UInt64(NVHandle.source.raw)
        let n = inlineCount
        guard spilledEntries == nil, present & bits == 0, n + 3 <= LogMessage.inlineCapacity else { return false }
        withInlineEntries { p in
            // Slots past `inlineCount` hold `.unused` (no references): initialized over, not
            // assigned, so there is no old value to destroy.
            (p + n).initialize(to: Entry(handle: .hostFrom, value: host))
            (p + n + 1).initialize(to: Entry(handle: .host, value: host))
            (p + n + 2).initialize(to: Entry(handle: .source, value: source))
        }
        inlineCount = n + 3
        present |= bits
        return true
    }

    private func replace(at i: Int, with value: LogValue) {
        if spilledEntries != nil {
            spilledEntries![i].value = value
        } else {
            withInlineEntries { $0[i].value = value }
        }
    }

    private func remove(at i: Int) {
        if spilledEntries != nil {
            spilledEntries!.remove(at: i)
            return
        }
        let n = inlineCount
        withInlineEntries { p in
            for j in i..<(n - 1) { p[j] = p[j + 1] }
            p[n - 1] = .unused
        }
        inlineCount -= 1
    }

    public var facility: Int { Int(pri >> 3) }
    public var severity: Int { Int(pri & 7) }

    /// The typed value of a name-value pair, or nil when unset.
    public subscript(handle: NVHandle) -> LogValue? {
        get {
            if handle.raw < 64 && present & (1 << UInt64(handle.raw)) == 0 { return nil }
            return withEntries { buf in
                for i in 0..<buf.count where buf[i].handle == handle { return buf[i].value }
                return nil
            }
        }
        set {
            let bit: UInt64 = handle.raw < 64 ? 1 << UInt64(handle.raw) : 0
            if bit != 0 && present & bit == 0 {
                // The common case when a message is made: a new built-in name.
                switch consume newValue {
                case .some(let v):
                    append(Entry(handle: handle, value: v))
                    present |= bit
                case .none:
                    break
                }
                return
            }
            if let i = index(of: handle) {
                if let v = newValue {
                    replace(at: i, with: v)
                } else {
                    remove(at: i)
                    present &= ~bit
                }
            } else if let v = newValue {
                append(Entry(handle: handle, value: v))
            }
        }
    }

    /// The value of `name` (interned on first use).
    public subscript(name: String) -> LogValue? {
        get { self[NameRegistry.shared.handle(for: name)] }
        set { self[NameRegistry.shared.handle(for: name)] = newValue }
    }

    /// Text of a value, "" when unset.
    public func text(_ handle: NVHandle) -> String {
        self[handle]?.text ?? ""
    }

    /// Sets a string value.
    public func set(_ handle: NVHandle, _ text: String) {
        self[handle] = .string(text)
    }

    /// Adds a tag unless the message already has it.
    public func addTag(_ tag: String) {
        if !addedTags.contains(tag) && tag != sourceTag { addedTags.append(tag) }
    }

    /// Removes a tag.
    public func removeTag(_ tag: String) {
        addedTags.removeAll { $0 == tag }
        if sourceTag == tag { sourceTag = nil }
    }

    public func hasTag(_ tag: String) -> Bool { sourceTag == tag || addedTags.contains(tag) }

    /// A deep copy (values, tags, stamps) without the acknowledgement state.
    public func clone() -> LogMessage {
        let m = LogMessage(stamp: stamp)
        m.received = received
        m.inlineEntries = inlineEntries
        m.inlineCount = inlineCount
        m.spilledEntries = spilledEntries
        m.present = present
        m.pri = pri
        m.addedTags = addedTags
        m.sourceTag = sourceTag
        m.sourceAddress = sourceAddress
        m.rawSize = rawSize
        m.isLocal = isLocal
        m.sequence = sequence
        return m
    }

    // MARK: acknowledgement

    /// Registers `count` more holders that will call ``acknowledge()``.
    @inlinable
    public func retainAck(_ count: Int = 1) {
        pendingAcks.add(count, ordering: .relaxed)
    }

    /// One holder is done with the message; the last one returns the window slot.
    @inlinable
    public func acknowledge() {
        if pendingAcks.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            ackTarget?.acknowledge(message: self)
        }
    }
}
