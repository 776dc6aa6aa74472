import SyslogConfig
import SyslogTemplates

extension ConfigBuilder {
    /// Global options that are accepted and have no effect here (yet).
    static let acceptedGlobalOptions: Set<String> = [
        "dns-cache", "dns-cache-size", "dns-cache-expire", "dns-cache-expire-failed",
        "dns-cache-hosts", "normalize-hostnames", "mark-freq", "mark-mode", "threaded",
        "bad-hostname", "owner", "group", "dir-owner", "dir-group", "check-hostname",
        "custom-domain", "recv-time-zone", "local-time-zone", "log-fetch-limit", "flush-timeout",
        "keep-timestamp", "use-rcptid", "use-uniqid", "on-error", "time-sleep", "suppress",
        "stats-max-dynamics", "stats-lifetime", "log-level", "retention-days", "time-reap",
        "use-time-recvd", "send-time-zone-recvd",
    ]

    /// `use-dns(yes|no|persist_only)`.
    func dnsMode(_ o: OptionNode) throws(ConfigError) -> DNSMode {
        let text = try OptionReader.string(o, errors: errors)
        guard let m = DNSMode(text) else {
            throw errors.error("Unknown use-dns() value '\(text)'; expecting yes, no or persist_only", at: o.range)
        }
        return m
    }

    func applyGlobalOptions(_ options: [OptionNode]) throws(ConfigError) {
        for o in options {
            switch o.name {
            case "keep-hostname": globals.keepHostname = try OptionReader.bool(o, errors: errors)
            case "chain-hostnames": globals.chainHostnames = try OptionReader.bool(o, errors: errors)
            case "log-fifo-size": globals.logFifoSize = try positiveInt(o)
            case "log-iw-size": globals.logIWSize = try positiveInt(o)
            case "log-msg-size": globals.logMsgSize = try positiveInt(o)
            case "time-reopen": globals.timeReopen = try OptionReader.double(o, errors: errors)
            case "stall-timeout": globals.stallTimeout = try OptionReader.nonNegativeSeconds(o, errors: errors)
            case "stop-timeout": globals.stopTimeout = try OptionReader.nonNegativeSeconds(o, errors: errors)
            case "flush-lines": globals.flushLines = try OptionReader.int(o, errors: errors)
            case "ts-format":
                let f = try OptionReader.string(o, errors: errors)
                guard let tf = TimestampFormat(name: f) else {
                    throw errors.error("Unknown ts-format '\(f)', expecting one of rfc3164, bsd, rfc3339, iso, unix, full", at: o.range)
                }
                globals.tsFormat = tf
            case "frac-digits": globals.fracDigits = try OptionReader.int(o, errors: errors)
            case "send-time-zone", "time-zone":
                let tz = try OptionReader.string(o, errors: errors)
                guard let off = TimeZoneParser.offset(tz) else {
                    throw errors.error("Unknown time zone '\(tz)'", at: o.range)
                }
                globals.sendTimeZone = off
            case "create-dirs": globals.createDirs = try OptionReader.bool(o, errors: errors)
            case "dir-perm": globals.dirPerm = try OptionReader.int(o, errors: errors)
            case "perm": globals.perm = try OptionReader.int(o, errors: errors)
            case "stats-freq": globals.statsFreq = try OptionReader.int(o, errors: errors)
            case "stats-level": globals.statsLevel = try OptionReader.int(o, errors: errors)
            case "use-fqdn": globals.useFQDN = try OptionReader.bool(o, errors: errors)
            case "use-dns": globals.useDNS = try dnsMode(o)
            case "stats":
                for s in o.options {
                    switch s.name {
                    case "freq": globals.statsFreq = try OptionReader.int(s, errors: errors)
                    case "level": globals.statsLevel = try OptionReader.int(s, errors: errors)
                    case "max-dynamics", "lifetime", "syslog-stats", "healthcheck-freq": break
                    default: throw errors.error("Unknown option '\(s.rawName)' for stats(); known options: freq, level, max-dynamics, lifetime", at: s.range)
                    }
                }
            default:
                if ConfigBuilder.acceptedGlobalOptions.contains(o.name) { continue }
                throw errors.error("Unknown global option '\(o.rawName)'", at: o.range)
            }
        }
    }

    private func positiveInt(_ o: OptionNode) throws(ConfigError) -> Int {
        let v = try OptionReader.int(o, errors: errors)
        if v <= 0 { throw errors.error("Option \(o.rawName)() must be positive, got \(v)", at: o.range) }
        return v
    }
}
