/// How `$STAMP` (and the `STAMP` forms of the R_/S_/C_ macros) renders a timestamp,
/// as syslog-ng's `ts-format()` option.
public enum TimestampFormat: Sendable, Equatable {
    /// `Nov 25 02:13:17` (also called `bsd`).
    case rfc3164
    /// `2026-11-25T02:13:17+01:00` (also called `iso`).
    case rfc3339
    /// Seconds since the epoch: `1795569197`.
    case unix
    /// `2026 Nov 25 02:13:17`.
    case full

    /// Alias of ``rfc3164``.
    public static let bsd = TimestampFormat.rfc3164
    /// Alias of ``rfc3339``.
    public static let iso = TimestampFormat.rfc3339

    /// The format named as in `ts-format(NAME)`: `rfc3164`, `bsd`, `rfc3339`, `iso`, `unix`, `full`.
    public init?(name: String) {
        switch name.lowercased() {
        case "rfc3164", "bsd": self = .rfc3164
        case "rfc3339", "iso": self = .rfc3339
        case "unix": self = .unix
        case "full": self = .full
        default: return nil
        }
    }
}

/// Options that change how a ``Template`` renders (syslog-ng's template options).
public struct TemplateOptions: Sendable, Equatable {
    /// How many user template functions (`template-function`) enclose the template being
    /// compiled: bounds a function that calls itself.
    var userFunctionDepth = 0
    /// Format of `$STAMP`, `ts-format()`.
    public var tsFormat: TimestampFormat
    /// Number of fraction-of-second digits appended to DATE, FULLDATE, ISODATE, STAMP and
    /// UNIXTIME (`frac-digits()`), 0...9; digits past microseconds are zeros.
    public var fracDigits: Int
    /// UTC offset in seconds to render timestamps in (`time-zone()` / `send-time-zone()`);
    /// nil renders each timestamp in its own offset.
    public var timeZone: Int32?
    /// The local host name, rendered by `$LOGHOST`.
    public var localHostname: String
    /// `template-escape(yes)`: backslash-escape `'`, `"` and `\` in the output of macros and
    /// values (not in literal text, not in template function output).
    public var escape: Bool

    public init(tsFormat: TimestampFormat = .rfc3164, fracDigits: Int = 0, timeZone: Int32? = nil,
                localHostname: String = "localhost", escape: Bool = false) {
        self.tsFormat = tsFormat
        self.fracDigits = fracDigits
        self.timeZone = timeZone
        self.localHostname = localHostname
        self.escape = escape
    }

    /// The default options: rfc3164 stamps, no fraction digits, stamps in their own offset.
    public static let `default` = TemplateOptions()
}
