import SyslogConfig
import SyslogCore
import SyslogTemplates

/// Registers the network drivers: `network()`, `syslog()`, `tcp()`, `udp()`, `tcp6()`, `udp6()`
/// as sources and destinations, `unix-stream()` and `unix-dgram()` sources, and closes listening
/// sockets no configuration uses after a configuration starts.
public enum NetworkDrivers {
    /// syslog-ng's format for `network()`/`tcp()`/`udp()` destinations (RFC 3164 with PRI).
    public static let legacyTemplate = "<${PRI}>${DATE} ${HOST} ${MSGHDR}${MSG}\n"
    /// The RFC 5424 record of `syslog()` destinations (framed with its length).
    public static let rfc5424Template = "<${PRI}>1 ${ISODATE} ${HOST:--} ${PROGRAM:--} ${PID:--} ${MSGID:--} ${SDATA:--} ${MSG}"

    static let sourceNames = ["network", "syslog", "tcp", "udp", "tcp6", "udp6"]

    public static func register(in registry: DriverRegistry) {
        for name in sourceNames {
            registry.registerSource(name, accepting: NetworkSource.accepted) { (reader, ctx) throws(ConfigError) in
                try NetworkSource.read(reader, ctx, driver: name)
            }
            registry.registerDestination(name, accepting: acceptedDestinationOptions) { (reader, ctx) throws(ConfigError) in
                try destination(reader, ctx, driver: name)
            }
        }
        for name in ["unix-stream", "unix-dgram"] {
            registry.registerSource(name) { (reader, ctx) throws(ConfigError) in
                try NetworkSource.readUnix(reader, ctx, driver: name)
            }
        }
        registry.registerConfigurationStarted { NetworkListener.closeUnused() }
    }

    static let acceptedDestinationOptions = ["so-sndbuf", "so-rcvbuf", "so-keepalive", "so-broadcast", "keep-alive",
                                             "flush-lines", "flush-timeout", "localip", "localport", "ip-ttl", "ip-tos",
                                             "spoof-source", "throttle", "mark-mode", "mark-freq", "suppress",
                                             "close-on-input", "tcp-keepalive-time", "tcp-keepalive-intvl",
                                             "tcp-keepalive-probes", "local-time-zone", "pad-size", "encoding",
                                             "use-dns", "use-fqdn", "ip-protocol", "failover", "disk-buffer"]

    static func destination(_ reader: OptionReader, _ ctx: BuildContext, driver: String) throws(ConfigError) -> DestinationSpec {
        let (host, _) = try reader.requiredPositional("a host name or address")
        var transport: NetworkWriter.Settings.Transport = driver.hasPrefix("udp") ? .udp : .tcp
        var wantsTLS = false
        if let t = reader.take("transport") {
            let text = try OptionReader.string(t, errors: ctx.errors).lowercased()
            switch text {
            case "tcp": transport = .tcp
            case "udp": transport = .udp
            case "tls": transport = .tcp; wantsTLS = true
            default:
                throw ctx.errors.error("Unsupported transport '\(text)' (supported: tcp, udp, tls)", at: t.range)
            }
        }
        var tls: TLSSettings?
        if let t = reader.take("tls") {
            guard transport == .tcp else { throw ctx.errors.error("tls() needs a stream transport", at: t.range) }
            tls = try TLSSettings.read(t, ctx)
        }
        if wantsTLS && tls == nil { tls = TLSSettings() }
        let isSyslog = driver == "syslog"
        let port = try reader.int("port") ?? (tls != nil ? 6514 : isSyslog && transport == .tcp ? 601 : 514)
        guard (1...65535).contains(port) else {
            throw ctx.errors.error("port() must be between 1 and 65535", at: reader.node.range)
        }
        let template = try ctx.templates.driverTemplate(reader, globals: ctx.globals,
                                                        defaultText: isSyslog ? rfc5424Template : legacyTemplate)
        let timeReopen = try reader.double("time-reopen") ?? ctx.globals.timeReopen
        let connectTimeout = try reader.double("connect-timeout") ?? 10
        let box = tls.map { TLSContextBox($0, host: host) }
        let settings = NetworkWriter.Settings(transport: transport, host: host, port: port, template: template,
                                              octetCounted: isSyslog && transport == .tcp, driverName: driver,
                                              connectTimeout: connectTimeout, tls: box)
        let persist = "afsocket_dd.(\(tls != nil ? "tls" : transport.rawValue),\(host):\(port))"
        var spec = DestinationSpec(driverName: driver, persistName: persist, fifoSize: ctx.globals.logFifoSize,
                                   timeReopen: timeReopen) { NetworkWriter(settings) }
        if let box { spec.initialize = { () throws(PipelineInitError) in try box.initialize() } }
        return spec
    }
}
