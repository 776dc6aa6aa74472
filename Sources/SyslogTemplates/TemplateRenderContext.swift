import SyslogMessage

/// Per-thread scratch state for rendering templates: a small cache of broken-down and
/// formatted timestamps, so rendering many messages of the same second does no `gmtime`
/// and no date formatting.
///
/// Keep one per worker thread (e.g. per destination worker) and pass it to every
/// ``Template/render(_:into:context:)`` call; it is not meant to be shared between threads.
public struct TemplateRenderContext: Sendable {
    /// Formats whose text is cached per (seconds, offset).
    enum CachedFormat: Int, CaseIterable {
        case date = 0, fullDate, isoDate
    }

    struct Entry: Sendable {
        var seconds: Int64
        var offset: Int32
        var components: DateComponents
        /// Length of the formatted text per ``CachedFormat`` in ``pool`` (0: not formatted yet).
        var lengths: (UInt8, UInt8, UInt8) = (0, 0, 0)

        func length(_ f: CachedFormat) -> Int {
            switch f {
            case .date: return Int(lengths.0)
            case .fullDate: return Int(lengths.1)
            case .isoDate: return Int(lengths.2)
            }
        }

        mutating func setLength(_ f: CachedFormat, _ n: Int) {
            switch f {
            case .date: lengths.0 = UInt8(n)
            case .fullDate: lengths.1 = UInt8(n)
            case .isoDate: lengths.2 = UInt8(n)
            }
        }
    }

    private static let capacity = 4
    /// Bytes reserved per format in an entry's slot of ``pool``.
    private static let formatSlot = 32

    private var entries: [Entry] = []
    /// Formatted text: entry i, format f at `(i * 3 + f) * formatSlot`.
    private var pool: [UInt8]
    private var nextVictim = 0

    /// The current time for `C_` macros, fixed for one top-level render.
    var currentStamp: LogStamp?

    /// How many times a timestamp had to be broken down (cache misses); for tests and tuning.
    public private(set) var dateCacheMisses = 0

    /// An empty context; allocate one per thread and reuse it for every render.
    public init() {
        entries.reserveCapacity(Self.capacity)
        pool = Array(repeating: 0, count: Self.capacity * CachedFormat.allCases.count * Self.formatSlot)
    }

    /// Index of the cache entry for `seconds` at `offset`, computing it on a miss.
    mutating func entryIndex(seconds: Int64, offset: Int32) -> Int {
        for i in entries.indices where entries[i].seconds == seconds && entries[i].offset == offset {
            return i
        }
        dateCacheMisses &+= 1
        let stamp = LogStamp(seconds: seconds, utcOffset: offset)
        let entry = Entry(seconds: seconds, offset: offset, components: stamp.components())
        if entries.count < Self.capacity {
            entries.append(entry)
            return entries.count - 1
        }
        let i = nextVictim
        nextVictim = (nextVictim + 1) % Self.capacity
        entries[i] = entry
        return i
    }

    /// Broken-down fields of cache entry `index`.
    func components(at index: Int) -> DateComponents {
        entries[index].components
    }

    /// Appends the cached text of `format` for entry `index` (less its last `drop` bytes),
    /// formatting it on first use.
    mutating func appendFormatted(_ format: CachedFormat, at index: Int, to out: inout [UInt8],
                                  droppingLast drop: Int = 0) {
        let base = (index * CachedFormat.allCases.count + format.rawValue) * Self.formatSlot
        var len = entries[index].length(format)
        if len == 0 {
            var text: [UInt8] = []
            text.reserveCapacity(Self.formatSlot)
            let c = entries[index].components
            switch format {
            case .date: DateFormatting.appendBSD(c, to: &text)
            case .fullDate: DateFormatting.appendFull(c, to: &text)
            case .isoDate: DateFormatting.appendISO(c, to: &text)
            }
            guard text.count <= Self.formatSlot else {
                // too long to cache (a year past 9999): render directly
                out.append(contentsOf: text.dropLast(drop))
                return
            }
            pool.replaceSubrange(base..<(base + text.count), with: text)
            entries[index].setLength(format, text.count)
            len = text.count
        }
        pool.withUnsafeBufferPointer { p in
            ByteAppend.append(UnsafeBufferPointer(rebasing: p[base..<(base + len - drop)]), to: &out)
        }
    }
}
