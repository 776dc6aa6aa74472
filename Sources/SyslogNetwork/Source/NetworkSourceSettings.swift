import SyslogCore
import SyslogMessage

/// What a network source statement asks for, as read from the configuration: where it
/// listens and how it turns bytes into messages. Read-only once built.
public struct NetworkSourceSettings: Sendable {
    public enum Transport: String, Sendable {
        case tcp, udp, tls
        case unixStream = "unix-stream", unixDgram = "unix-dgram"
    }
    /// How a record's bytes become a message.
    public enum Format: Sendable { case rfc3164, rfc5424, noParse }

    public var transport: Transport
    public var host: String
    public var port: Int
    public var format: Format
    public var framing: SyslogFrameDecoder.Mode
    /// `max-connections()`: more concurrent connections are refused (syslog-ng's default 10).
    public var maxConnections: Int
    /// `log-msg-size()`.
    public var maxSize: Int
    /// `$TRANSPORT`, e.g. `rfc3164+tcp`.
    public var transportName: String
    /// The PRI of a record without `<PRI>`.
    public var defaultPriority: UInt16
    public var receiveBuffer: Int?
    public var reusePort: Bool
    /// The driver name for log messages (`network`, `syslog`, `tcp`, `udp`).
    public var driverName: String
    /// `tls()`: the TLS settings of a `transport("tls")` source.
    public var tls: TLSSettings?

    /// The driver's id (`s#0`): with port 0 (a free port picked by the kernel) it tells the
    /// listeners of one address apart.
    public var driverID: String

    /// A stream transport (TCP, with or without TLS, or a unix stream socket).
    public var isStream: Bool { transport != .udp && transport != .unixDgram }
    /// A unix domain socket: `path` names it, messages are local.
    public var isUnix: Bool { transport == .unixStream || transport == .unixDgram }
    /// `use-dns()` and `use-fqdn()`: whether and how senders' addresses become `$HOST_FROM`.
    public var dns: DNSMode = .yes
    public var fqdn = false
    /// The socket file of `unix-stream()`/`unix-dgram()`, and its `perm()`.
    public var path: String = ""
    public var permissions: Int = 0o666

    /// Identifies the listening socket: a reload keeps the socket (and its connections) of a
    /// source with the same key.
    public var key: String {
        if isUnix { return "\(transport.rawValue)://\(path)" }
        return "\(transport.rawValue)://\(host):\(port)" + (port == 0 ? "/" + driverID : "")
    }

    /// How records become messages, in a value without references (read per record).
    var recordFormat: RecordFormat { RecordFormat(format: format, defaultPriority: defaultPriority) }
}

/// How a record's bytes become a message: a value without references, so reading it per record
/// costs no retains (the whole settings value would be copied with all its strings).
struct RecordFormat {
    let format: NetworkSourceSettings.Format
    let defaultPriority: UInt16

    /// Turns one record, read in place, into a message (the peer's values are set by the caller).
    @inline(__always)
    func message(_ bytes: SyslogParser.Bytes) -> LogMessage {
        let msg = LogMessage()
        msg.rawSize = bytes.count
        switch format {
        case .rfc3164:
            if !SyslogParser.parseRFC3164(bytes, into: msg, defaultPriority: defaultPriority) {
                SyslogParser.errorMessage(for: bytes, into: msg)
            }
        case .rfc5424:
            let line = Array(bytes)
            if !SyslogParser.parseRFC5424(line, into: msg),
               !SyslogParser.parseRFC3164(bytes, into: msg, defaultPriority: defaultPriority) {
                SyslogParser.errorMessage(for: bytes, into: msg)
            }
        case .noParse:
            msg.pri = defaultPriority
            msg[.message] = .string(String(decoding: bytes, as: UTF8.self))
        }
        return msg
    }
}

/// The sender of a connection or datagram, with its values made once.
struct Peer {
    /// A local peer (unix socket): no address, `$HOST` is the local host name.
    var isLocal = false
    let ip: String
    /// The resolved name (`use-dns()`), nil: the address stands for the sender.
    var name: String?
    let nameValue: LogValue?
    let ipValue: LogValue
    let portValue: LogValue

    init(ip: String, port: Int, name: String? = nil) {
        self.ip = ip
        self.name = name
        self.nameValue = name.map { .string($0) }
        self.ipValue = .string(ip)
        self.portValue = .string(String(port))
    }

    /// A remote peer, its name resolved as `settings` ask.
    init(ip: String, port: Int, resolving settings: NetworkSourceSettings) {
        self.init(ip: ip, port: port, name: HostNames.name(for: ip, mode: settings.dns, fqdn: settings.fqdn))
    }

    static let local: Peer = {
        var p = Peer(ip: "127.0.0.1", port: 0)
        p.isLocal = true
        return p
    }()

    static let peerIP = NameRegistry.shared.handle(for: "PEERIP")
    static let peerPort = NameRegistry.shared.handle(for: "PEERPORT")

    /// Sets `$SOURCEIP`/`$HOST_FROM` (through the source address), `$PEERIP`, `$PEERPORT` and
    /// `$TRANSPORT`.
    @inline(__always)
    func stamp(_ msg: LogMessage, transport: LogValue) {
        if isLocal {
            msg[.transport] = transport
            return
        }
        msg.sourceAddress = ip
        if let nameValue { msg[.hostFrom] = nameValue }
        msg[Peer.peerIP] = ipValue
        msg[Peer.peerPort] = portValue
        msg[.transport] = transport
    }
}
