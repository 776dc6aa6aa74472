import SyslogConfig
import SyslogCore
import SyslogFile

/// Sources made of other drivers, as syslog-ng ships them: `system()` (the local system's log
/// sources) and `default-network-drivers()` (the usual listening ports). Each expands, where
/// it is written, into the driver calls below; those are read as if written there.
enum SourceGroups {
    static func register(in registry: DriverRegistry) {
        registry.registerSourceGroup("system") { (reader, ctx) throws(ConfigError) in
            system(reader.node.range, kernelLog: FileDrivers.kernelLogDevice)
        }
        registry.registerSourceGroup("default-network-drivers") { (reader, ctx) throws(ConfigError) in
            try defaultNetworkDrivers(reader, ctx)
        }
    }

    /// Linux without systemd's journal: the `/dev/log` socket, and the kernel log
    /// (`/dev/kmsg`) when this process can read it.
    static func system(_ at: SourceRange, kernelLog: String?) -> [OptionNode] {
        var out = [call("unix-dgram", [.value(.string("/dev/log"), at)], at)]
        if let kmsg = kernelLog {
            out.append(call("file", [.value(.string(kmsg), at),
                                     option("program-override", .string("kernel"), at),
                                     option("flags", .identifier("kernel"), at),
                                     option("format", .string("linux-kmsg"), at),
                                     option("keep-timestamp", .identifier("no"), at)], at))
        }
        return out
    }

    /// Options of `default-network-drivers()` handed to every driver it makes.
    static let forwarded = ["ip", "ip-protocol", "flags", "tags", "log-iw-size", "log-fetch-limit",
                            "max-connections", "log-msg-size", "keep-hostname", "use-dns", "use-fqdn",
                            "so-rcvbuf", "so-reuseport", "keep-alive", "host-override", "program-override",
                            "default-facility", "default-severity", "default-level", "chain-hostnames",
                            "encoding", "time-zone", "keep-timestamp"]

    /// RFC 3164 on UDP and TCP port 514, RFC 5424 (octet counting) on TCP port 601, and
    /// RFC 5424 over TLS on port 6514 when `tls()` is given. The ports are
    /// `udp-port()`, `tcp-port()`, `rfc5424-tcp-port()`, `rfc5424-tls-port()`.
    static func defaultNetworkDrivers(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> [OptionNode] {
        let at = reader.node.range
        func port(_ name: String, _ value: Int) throws(ConfigError) -> ConfigArgument {
            let p = try reader.int(name) ?? value
            guard (0...65535).contains(p) else {
                throw ctx.errors.error("\(name)() must be between 0 and 65535", at: at)
            }
            return option("port", .number(Int64(p)), at)
        }
        let udp = try port("udp-port", 514)
        let tcp = try port("tcp-port", 514)
        let rfc5424TCP = try port("rfc5424-tcp-port", 601)
        let rfc5424TLS = try port("rfc5424-tls-port", 6514)
        let tls = reader.take("tls")
        var common: [ConfigArgument] = []
        for name in forwarded {
            for o in reader.takeAll(name) { common.append(.option(o)) }
        }
        var out = [
            call("network", [option("transport", .string("udp"), at), udp] + common, at),
            call("network", [option("transport", .string("tcp"), at), tcp] + common, at),
            call("syslog", [option("transport", .string("tcp"), at), rfc5424TCP] + common, at),
        ]
        if let tls {
            out.append(call("syslog", [option("transport", .string("tls"), at), rfc5424TLS, .option(tls)] + common, at))
        }
        return out
    }

    private static func call(_ name: String, _ arguments: [ConfigArgument], _ at: SourceRange) -> OptionNode {
        OptionNode(name: name, rawName: name, arguments: arguments, range: at)
    }

    private static func option(_ name: String, _ value: ConfigValue, _ at: SourceRange) -> ConfigArgument {
        .option(OptionNode(name: name, rawName: name, arguments: [.value(value, at)], range: at))
    }
}
