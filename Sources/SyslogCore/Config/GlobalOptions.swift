#if canImport(Glibc)
import Glibc
#endif
import SyslogTemplates

/// The global `options { … };` of a configuration, with syslog-ng's defaults.
public struct GlobalOptions: Sendable {
    public var keepHostname = false
    public var chainHostnames = false
    public var logFifoSize = 10000
    public var logIWSize = 100
    public var logMsgSize = 65536
    public var timeReopen = 60.0
    /// `stall-timeout()`: how long a destination may write nothing before sources without flow
    /// control stop waiting for it and its full queue drops (syslog-ng drops at once).
    public var stallTimeout = 1.0
    /// `stop-timeout()`: seconds a source's thread may take to stop, and a destination's worker
    /// may go without progress while it stops, before it is abandoned (logged).
    public var stopTimeout = 10.0
    public var flushLines = 100
    public var tsFormat: TimestampFormat = .rfc3164
    public var fracDigits = 0
    /// `send-time-zone()`/`time-zone()`: offset in seconds to render timestamps in.
    public var sendTimeZone: Int32? = nil
    public var createDirs = false
    public var dirPerm: Int = 0o700
    public var perm: Int = 0o600
    public var statsFreq = 600
    public var statsLevel = 0
    public var useFQDN = false
    /// `use-dns()`: senders' addresses are resolved to names for `$HOST_FROM` (and `$HOST`
    /// with `keep-hostname(no)`), as syslog-ng does by default.
    public var useDNS: DNSMode = .yes
    /// The local host name (`$LOGHOST`, `$HOST` of local messages).
    public var localHostname: String = GlobalOptions.hostname()

    public init() {}

    /// Template options derived from the globals.
    public var templateOptions: TemplateOptions {
        var t = TemplateOptions()
        t.tsFormat = tsFormat
        t.fracDigits = fracDigits
        t.timeZone = sendTimeZone
        t.localHostname = localHostname
        return t
    }

    /// The short host name of this machine.
    public static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, 255) == 0 else { return "localhost" }
        let full = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return full.split(separator: ".").first.map(String.init) ?? full
    }
}

/// `use-dns(yes|no|persist_only)`: resolve senders' addresses through the system resolver, not
/// at all, or only from `/etc/hosts`.
public enum DNSMode: Sendable, Equatable {
    case yes, no, persistOnly

    /// Reads the option's value (`yes`/`no` and syslog-ng's other boolean words, `persist_only`).
    public init?(_ text: String) {
        switch text.lowercased().map({ $0 == "-" ? "_" : $0 }).reduce("", { $0 + String($1) }) {
        case "yes", "on", "true", "1": self = .yes
        case "no", "off", "false", "0": self = .no
        case "persist_only": self = .persistOnly
        default: return nil
        }
    }
}
