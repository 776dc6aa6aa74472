/// syslog-ng's command line, as `syslog-swift` takes it.
public struct CommandLineOptions: Sendable, Equatable {
    public var foreground = false
    public var configFile = "/etc/syslog-swift/syslog-swift.conf"
    public var syntaxOnly = false
    public var persistFile = "/var/lib/syslog-swift/syslog-swift.persist"
    public var pidFile: String? = "/run/syslog-swift.pid"
    public var controlFile = "/var/lib/syslog-swift/syslog-swift.ctl"
    public var stderr = false
    public var verbose = false
    public var debug = false
    public var trace = false
    public var version = false
    public var help = false

    public init() {}

    /// A command-line error (exit code 1 with usage text).
    public struct UsageError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses arguments (without the program name). Accepts `-f FILE`, `-fFILE`, `--cfgfile FILE`
    /// and `--cfgfile=FILE`, and bundled short flags (`-Fe`).
    public static func parse(_ args: [String]) throws(UsageError) -> CommandLineOptions {
        var o = CommandLineOptions()
        var i = 0
        func value(_ name: String, inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            i += 1
            guard i < args.count else { throw UsageError(description: "Missing argument for \(name)") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let parts = body.split(separator: "=", maxSplits: 1)
                let name = String(parts.first ?? "")
                let inline = parts.count > 1 ? String(parts[1]) : nil
                switch name {
                case "foreground": o.foreground = true
                case "cfgfile": o.configFile = try value(a, inline: inline)
                case "syntax-only": o.syntaxOnly = true
                case "persist-file": o.persistFile = try value(a, inline: inline)
                case "pidfile": o.pidFile = try value(a, inline: inline)
                case "control": o.controlFile = try value(a, inline: inline)
                case "stderr": o.stderr = true
                case "verbose": o.verbose = true
                case "debug": o.debug = true
                case "trace": o.trace = true
                case "version": o.version = true
                case "help": o.help = true
                case "no-caps", "process-mode", "caps", "user", "group", "chroot", "worker-threads",
                     "module-path", "module-registry", "default-modules", "enable-core", "seed", "preprocess-into",
                     "fd-limit", "log-level":
                    // Accepted for compatibility; those taking a value consume it.
                    if ["process-mode", "caps", "user", "group", "chroot", "worker-threads", "module-path",
                        "default-modules", "preprocess-into", "fd-limit", "log-level"].contains(name), inline == nil {
                        _ = try value(a, inline: nil)
                    }
                default: throw UsageError(description: "Unknown option \(a)")
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                var chars = Array(a.dropFirst())
                while !chars.isEmpty {
                    let c = chars.removeFirst()
                    let rest = chars.isEmpty ? nil : String(chars)
                    switch c {
                    case "F": o.foreground = true
                    case "s": o.syntaxOnly = true
                    case "e": o.stderr = true
                    case "v": o.verbose = true
                    case "d": o.debug = true
                    case "t": o.trace = true
                    case "V": o.version = true
                    case "h": o.help = true
                    case "f", "R", "p", "c":
                        let v = try value("-\(c)", inline: rest)
                        chars = []
                        switch c {
                        case "f": o.configFile = v
                        case "R": o.persistFile = v
                        case "p": o.pidFile = v
                        default: o.controlFile = v
                        }
                    default: throw UsageError(description: "Unknown option -\(c)")
                    }
                }
            } else {
                throw UsageError(description: "Unexpected argument \(a)")
            }
            i += 1
        }
        return o
    }

    public static let usage = """
    Usage: syslog-swift [OPTION…]

      -F, --foreground           Do not go into the background
      -f, --cfgfile=FILE         Configuration file
      -s, --syntax-only          Only check the configuration syntax
      -R, --persist-file=FILE    Persistent state file
      -p, --pidfile=FILE         PID file
      -c, --control=FILE         Control socket
      -e, --stderr               Internal messages also to stderr
      -v, --verbose              Verbose internal messages
      -d, --debug                Debug internal messages
      -t, --trace                Trace internal messages
      -V, --version              Print version and exit
          --no-caps              Accepted for compatibility; no effect

    """
}
