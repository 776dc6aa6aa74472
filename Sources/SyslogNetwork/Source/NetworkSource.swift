import NIOSSL
import SyslogConfig
import SyslogCore
import SyslogMessage

/// `network()`, `syslog()`, `tcp()`, `udp()` sources: a ``NetworkListener`` per address, kept
/// across reloads, posting from its event loop's thread.
final class NetworkSource: SourceDriver, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `listener` and `detached` are used on the control
    // thread only (initialize/start/stop/deinitialize).
    let settings: NetworkSourceSettings
    let stopTimeout: Double
    private var listener: NetworkListener?
    private var detached: Completion?
    private var tlsContext: NIOSSLContext?

    init(settings: NetworkSourceSettings, stopTimeout: Double) {
        self.settings = settings
        self.stopTimeout = stopTimeout
    }

    var driverName: String { settings.driverName }
    var parsesPriority: Bool { settings.format != .noParse }
    /// A UDP sender cannot be slowed down: UDP drops instead of waiting. (A unix datagram
    /// sender waits for room in the socket, so `unix-dgram()` can wait.)
    var canWait: Bool { settings.transport != .udp }

    func initialize() throws(PipelineInitError) {
        if let tls = settings.tls { tlsContext = try tls.serverContext() }
        listener = try NetworkListener.acquire(settings, tls: tlsContext)
    }

    func start(_ poster: SourcePoster) {
        listener?.attach(poster, settings: settings, tls: tlsContext)
    }

    func requestStop() {
        guard let listener else { return }
        let done = Completion()
        detached = done
        listener.detach(done)
    }

    @discardableResult
    func join() -> Bool {
        guard let done = detached else { return true }
        detached = nil
        if done.wait(seconds: max(1, stopTimeout)) { return true }
        InternalLog.shared.error("Source did not stop in time after it was asked to, abandoning it",
                                 [("driver", settings.driverName), ("addr", settings.key)])
        // The next configuration may take the listener: its attach runs on the loop after this
        // detach, so the abandoned poster gets nothing posted after it.
        if let l = listener { NetworkListener.release(l) }
        listener = nil
        return false
    }

    func deinitialize() {
        if let l = listener { NetworkListener.release(l) }
        listener = nil
    }

    struct Config: SourceDriverConfig {
        let settings: NetworkSourceSettings
        let stopTimeout: Double
        func build(_ ctx: BuildContext) -> any SourceDriver {
            NetworkSource(settings: settings, stopTimeout: stopTimeout)
        }
    }

    /// Options accepted and ignored (DNS is never used; TLS comes later).
    static let accepted = ["keep-alive", "log-fetch-limit", "dns-cache", "so-keepalive",
                           "so-sndbuf", "so-broadcast", "ip-ttl", "ip-tos", "listen-backlog", "encoding",
                           "dynamic-window-size", "dynamic-window-stats-freq", "dynamic-window-realloc-ticks",
                           "tcp-keepalive-time", "tcp-keepalive-intvl", "tcp-keepalive-probes"]

    /// Reads `unix-stream("/path")` or `unix-dgram("/path")`.
    static func readUnix(_ reader: OptionReader, _ ctx: BuildContext, driver: String) throws(ConfigError) -> Config {
        let (path, _) = try reader.requiredPositional("a socket path")
        let perm = try reader.int("perm") ?? 0o666
        for accepted in ["owner", "group", "optional", "create-dirs", "pass-unix-credentials", "keep-alive"] {
            _ = reader.take(accepted)
        }
        let maxConnections = max(1, try reader.int("max-connections") ?? 256)
        let receiveBuffer = try reader.int("so-rcvbuf")
        let flags = Set(ctx.sourceOptions.flags)
        let format: NetworkSourceSettings.Format = flags.contains("no-parse") ? .noParse
            : flags.contains("syslog-protocol") ? .rfc5424 : .rfc3164
        let transport: NetworkSourceSettings.Transport = driver == "unix-dgram" ? .unixDgram : .unixStream
        var settings = NetworkSourceSettings(
            transport: transport, host: "", port: 0, format: format, framing: .newline,
            maxConnections: maxConnections, maxSize: ctx.sourceOptions.logMsgSize ?? ctx.globals.logMsgSize,
            transportName: "local+" + driver, defaultPriority: ctx.sourceOptions.defaultPriority,
            receiveBuffer: receiveBuffer, reusePort: false, driverName: driver, tls: nil, driverID: ctx.driverID)
        settings.path = path
        settings.permissions = perm
        return Config(settings: settings, stopTimeout: ctx.globals.stopTimeout)
    }

    /// Reads a network source's options. `driver` is the name as written; `syslog()` speaks
    /// RFC 5424 and defaults to octet counting on streams.
    static func read(_ reader: OptionReader, _ ctx: BuildContext, driver: String) throws(ConfigError) -> Config {
        let defaultTransport: NetworkSourceSettings.Transport = driver.hasPrefix("udp") ? .udp : .tcp
        var transport = defaultTransport
        if let t = reader.take("transport") {
            let text = try OptionReader.string(t, errors: ctx.errors).lowercased()
            switch text {
            case "tcp": transport = .tcp
            case "udp": transport = .udp
            case "tls": transport = .tls
            default:
                throw ctx.errors.error("Unsupported transport '\(text)' (supported: tcp, udp, tls)", at: t.range)
            }
            if driver == "tcp" || driver == "udp" {
                throw ctx.errors.error("transport() is not an option of \(driver)(); use network()", at: t.range)
            }
        }
        var tls: TLSSettings?
        if let t = reader.take("tls") {
            guard transport != .udp else { throw ctx.errors.error("tls() needs a stream transport", at: t.range) }
            tls = try TLSSettings.read(t, ctx)
            transport = .tls
        }
        if transport == .tls && tls == nil {
            throw ctx.errors.error("transport(\"tls\") needs tls(key-file() cert-file() …)", at: reader.node.range)
        }
        let ipProtocol = try reader.string("ip-protocol")
        let ipv6 = driver.hasSuffix("6") || ipProtocol == "6"
        let ip = try reader.string("ip")
        let localIP = try reader.string("localip")
        var host = ip ?? localIP ?? (ipv6 ? "::" : "0.0.0.0")
        if host == "*" { host = ipv6 ? "::" : "0.0.0.0" }
        let isSyslog = driver == "syslog"
        let defaultPort = transport == .tls ? 6514 : isSyslog && transport == .tcp ? 601 : 514
        let portOption = try reader.int("port")
        let localPort = try reader.int("localport")
        let port = portOption ?? localPort ?? defaultPort
        guard (0...65535).contains(port) else {
            throw ctx.errors.error("port() must be between 0 and 65535", at: reader.node.range)
        }
        let flags = Set(ctx.sourceOptions.flags)
        let format: NetworkSourceSettings.Format = flags.contains("no-parse") ? .noParse
            : (isSyslog || flags.contains("syslog-protocol")) ? .rfc5424 : .rfc3164
        // syslog() detects octet counting (a digit first) per connection; the others read lines.
        let framing: SyslogFrameDecoder.Mode = isSyslog ? .auto : .newline
        let maxConnections = max(1, try reader.int("max-connections") ?? 10)
        let receiveBuffer = try reader.int("so-rcvbuf")
        let reusePort = try reader.bool("so-reuseport") ?? false
        let proto = format == .rfc5424 ? "rfc5424" : "rfc3164"
        var settings = NetworkSourceSettings(
            transport: transport, host: host, port: port, format: format, framing: framing,
            maxConnections: maxConnections, maxSize: ctx.sourceOptions.logMsgSize ?? ctx.globals.logMsgSize,
            transportName: "\(proto)+\(transport.rawValue)", defaultPriority: ctx.sourceOptions.defaultPriority,
            receiveBuffer: receiveBuffer, reusePort: reusePort, driverName: driver, tls: tls, driverID: ctx.driverID)
        settings.dns = ctx.sourceOptions.useDNS ?? ctx.globals.useDNS
        settings.fqdn = ctx.sourceOptions.useFQDN ?? ctx.globals.useFQDN
        return Config(settings: settings, stopTimeout: ctx.globals.stopTimeout)
    }
}
