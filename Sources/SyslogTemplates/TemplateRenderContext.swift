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
        /// Formatted text per ``CachedFormat`` (empty: not formatted yet), without fraction.
        var formatted: [[UInt8]]
    }

    private var entries: [Entry] = []
    private var nextVictim = 0
    private static let capacity = 4

    /// The current time for `C_` macros, fixed for one top-level render.
    var currentStamp: LogStamp?

    /// How many times a timestamp had to be broken down (cache misses); for tests and tuning.
    public private(set) var dateCacheMisses = 0

    public init() {
        entries.reserveCapacity(Self.capacity)
    }

    /// Index of the cache entry for `seconds` at `offset`, computing it on a miss.
    mutating func entryIndex(seconds: Int64, offset: Int32) -> Int {
        for i in entries.indices where entries[i].seconds == seconds && entries[i].offset == offset {
            return i
        }
        dateCacheMisses &+= 1
        let stamp = LogStamp(seconds: seconds, utcOffset: offset)
        let entry = Entry(seconds: seconds, offset: offset, components: stamp.components(),
                          formatted: [[], [], []])
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

    /// Appends the cached text of `format` for entry `index`, formatting it on first use.
    mutating func appendFormatted(_ format: CachedFormat, at index: Int, to out: inout [UInt8],
                                  droppingLast drop: Int = 0) {
        let k = format.rawValue
        if entries[index].formatted[k].isEmpty {
            var text: [UInt8] = []
            text.reserveCapacity(32)
            let c = entries[index].components
            switch format {
            case .date: DateFormatting.appendBSD(c, to: &text)
            case .fullDate: DateFormatting.appendFull(c, to: &text)
            case .isoDate: DateFormatting.appendISO(c, to: &text)
            }
            entries[index].formatted[k] = text
        }
        if drop == 0 {
            out.append(contentsOf: entries[index].formatted[k])
        } else {
            out.append(contentsOf: entries[index].formatted[k].dropLast(drop))
        }
    }
}
