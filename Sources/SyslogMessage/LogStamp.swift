internal import CSystemShims
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A point in time with the UTC offset it was recorded in, as syslog-ng keeps message timestamps.
public struct LogStamp: Sendable, Equatable, Hashable {
    /// Seconds since the Unix epoch (UTC).
    public var seconds: Int64
    /// Microseconds within the second, 0..<1_000_000.
    public var microseconds: Int32
    /// Offset from UTC in seconds (east positive), e.g. 3600 for +01:00.
    public var utcOffset: Int32

    public init(seconds: Int64, microseconds: Int32 = 0, utcOffset: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
        self.utcOffset = utcOffset
    }

    /// The current time with the local zone's offset.
    public static func now() -> LogStamp {
        let ns = ssw_realtime_ns()
        let secs = ns / 1_000_000_000
        return LogStamp(seconds: secs, microseconds: Int32((ns % 1_000_000_000) / 1000),
                        utcOffset: LocalZone.offset(at: secs))
    }

    /// Broken-down fields of this stamp in its own offset (or `offsetOverride`).
    public func components(offset: Int32? = nil) -> DateComponents {
        let off = offset ?? utcOffset
        var t = time_t(seconds + Int64(off))
        var tmv = tm()
        gmtime_r(&t, &tmv)
        return DateComponents(year: Int(tmv.tm_year) + 1900, month: Int(tmv.tm_mon) + 1,
                              day: Int(tmv.tm_mday), hour: Int(tmv.tm_hour),
                              minute: Int(tmv.tm_min), second: Int(tmv.tm_sec),
                              weekday: Int(tmv.tm_wday), dayOfYear: Int(tmv.tm_yday) + 1,
                              utcOffset: off)
    }
}

/// Calendar fields of a ``LogStamp`` in a given offset.
public struct DateComponents: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0 = Sunday.
    public var weekday: Int
    /// 1-based day of the year.
    public var dayOfYear: Int
    public var utcOffset: Int32
}

/// The local time zone of the process (TZ honoured), with a one-entry cache per hour.
public enum LocalZone {
    /// (hour index << 32) | offset bits, for the last hour looked up; 0 = empty.
    private static let cache = Atomic<UInt64>(0)

    /// Offset from UTC in seconds at the given Unix time.
    public static func offset(at seconds: Int64) -> Int32 {
        let hour = UInt64(truncatingIfNeeded: seconds / 3600) & 0xFFFF_FFFF
        let cached = cache.load(ordering: .relaxed)
        if cached != 0 && cached >> 32 == hour {
            return Int32(bitPattern: UInt32(truncatingIfNeeded: cached))
        }
        var t = time_t(seconds)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let off = Int32(tmv.tm_gmtoff)
        cache.store(hour << 32 | UInt64(UInt32(bitPattern: off)), ordering: .relaxed)
        return off
    }

    /// Call once at start-up (and after TZ changes) so `localtime_r` sees the zone.
    public static func initialize() {
        tzset()
        cache.store(0, ordering: .relaxed)
    }
}
