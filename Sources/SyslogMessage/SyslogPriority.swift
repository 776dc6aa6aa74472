/// syslog facility and severity names and numbers (RFC 5424 plus syslog-ng's aliases).
public enum SyslogPriority {
    public static let severityNames = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

    public static let facilityNames = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                       "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
                                       "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]

    /// Severity number for a name (`err`, `error`, `warn`, `panic`, …), or nil.
    public static func severity(named name: String) -> Int? {
        switch name.lowercased() {
        case "emerg", "panic": return 0
        case "alert": return 1
        case "crit", "critical": return 2
        case "err", "error": return 3
        case "warning", "warn": return 4
        case "notice": return 5
        case "info", "informational": return 6
        case "debug": return 7
        default: return nil
        }
    }

    /// Facility number (0...23) for a name, or nil.
    public static func facility(named name: String) -> Int? {
        let n = name.lowercased()
        switch n {
        case "auth", "security": return 4
        case "authpriv": return 10
        case "cron": return 9
        case "solaris-cron", "solaris_cron": return 15
        default: break
        }
        if let i = facilityNames.firstIndex(of: n) { return i }
        return nil
    }

    /// The name of a facility number.
    public static func facilityName(_ f: Int) -> String {
        f >= 0 && f < facilityNames.count ? facilityNames[f] : String(f)
    }

    /// The name of a severity number.
    public static func severityName(_ s: Int) -> String {
        s >= 0 && s < severityNames.count ? severityNames[s] : String(s)
    }
}
