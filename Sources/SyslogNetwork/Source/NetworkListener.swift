#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import SyslogCore
import SyslogMessage

/// A listening socket and its connections, on an event loop (a thread) of its own. It outlives
/// a configuration: a reload hands it, connections and all, to the new configuration's source
/// with the same address, so nothing a sender has written is lost. Between configurations it
/// reads nothing; what arrives waits in the kernel.
///
/// Everything but the registry and the counters is touched on the loop only (messages are
/// posted from the loop's thread: it is the source's one producer thread).
final class NetworkListener: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `settings`, `recordFormat`, `poster`, `transportValue` and `connections`
    // are used on `loop` only; `users` with the registry lock; counters are atomic.
    let key: String
    private let group: MultiThreadedEventLoopGroup
    let loop: any EventLoop
    private var channel: (any Channel)?
    private var users = 0

    var settings: NetworkSourceSettings
    /// `settings`' record format, read per record.
    private var recordFormat: RecordFormat
    var transportValue: LogValue
    /// The running configuration's poster; nil between configurations (nothing is read).
    private(set) var poster: SourcePoster?
    private var connections: [ObjectIdentifier: StreamConnectionHandler] = [:]
    /// The TLS context new connections get (`transport("tls")`); set with each configuration.
    private var tlsContext: NIOSSLContext?
    /// The sequence number of the last local message (unix sockets).
    private var localSequence: UInt64 = 0
    /// The address bound, e.g. `127.0.0.1:5514` (port 0 binds a free port).
    private(set) var boundAddress = ""

    /// Connections refused by `max-connections()`, framing errors, records cut at `log-msg-size`.
    let refused = Atomic<Int>(0)
    let framingErrors = Atomic<Int>(0)
    let truncated = Atomic<Int>(0)

    private static let all = Mutex<[String: NetworkListener]>([:])

    private init(_ settings: NetworkSourceSettings) {
        self.key = settings.key
        self.settings = settings
        self.recordFormat = settings.recordFormat
        self.transportValue = .string(settings.transportName)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.loop = group.next()
    }

    // MARK: registry (control thread)

    /// The listener for `settings`' address: the one a previous configuration left, or a new one
    /// bound now. Two sources of one configuration cannot share an address.
    static func acquire(_ settings: NetworkSourceSettings, tls: NIOSSLContext?) throws(PipelineInitError) -> NetworkListener {
        let existing: NetworkListener? = try all.withLock { (map) throws(PipelineInitError) -> NetworkListener? in
            guard let l = map[settings.key] else { return nil }
            guard l.users == 0 else {
                throw PipelineInitError(message: "Error binding socket",
                                        pairs: [("addr", settings.key), ("error", "Address already in use by another source")])
            }
            l.users = 1
            return l
        }
        if let existing { return existing }
        let l = NetworkListener(settings)
        // Connections accepted before the configuration attaches speak TLS too.
        l.tlsContext = tls
        do {
            try l.bind()
        } catch {
            try? l.group.syncShutdownGracefully()
            throw PipelineInitError(message: "Error binding socket",
                                    pairs: [("addr", settings.key), ("error", String(describing: error))])
        }
        l.users = 1
        all.withLock { $0[settings.key] = l }
        InternalLog.shared.info("Accepting \(settings.isStream ? "connections" : "datagrams")",
                                [("driver", settings.driverName), ("addr", l.boundAddress)])
        return l
    }

    /// The configuration that used the listener ended; it stays open until
    /// ``closeUnused()`` finds no configuration took it again.
    static func release(_ l: NetworkListener) {
        all.withLock { _ in l.users = max(0, l.users - 1) }
    }

    /// Closes listeners (and their connections) the running configuration does not use.
    static func closeUnused() {
        let unused: [NetworkListener] = all.withLock { map in
            let u = map.values.filter { $0.users == 0 }
            for l in u { map[l.key] = nil }
            return u
        }
        for l in unused { l.close() }
    }

    /// The listener bound for `key` (tests and diagnostics).
    static func bound(_ key: String) -> String? { all.withLock { $0[key]?.boundAddress } }

    private func bind() throws {
        let s = settings
        switch s.transport {
        case .tcp, .tls, .unixStream:
            var bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(ChannelOptions.recvAllocator,
                                    value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16384, maximum: 65_536))
                .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 4)
                .childChannelInitializer { [self] ch in adopt(ch) }
            if s.reusePort { bootstrap = bootstrap.serverChannelOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1) }
            if let r = s.receiveBuffer { bootstrap = bootstrap.childChannelOption(ChannelOptions.socketOption(.so_rcvbuf), value: SocketOptionValue(r)) }
            channel = s.isUnix ? try bootstrap.bind(unixDomainSocketPath: s.path, cleanupExistingSocketFile: true).wait()
                               : try bootstrap.bind(host: s.host, port: s.port).wait()
        case .unixDgram:
            // NIO's datagram channel cannot name unbound unix senders (most local ones), so the
            // bound socket is read as a pipe: one read(), one datagram, one ByteBuffer.
            let fd = try Self.bindUnixDatagram(s.path)
            channel = try NIOPipeBootstrap(group: group)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 16)
                .channelInitializer { [self] ch in
                    Self.pausedPipeline(ch, UnixDatagramHandler(listener: self))
                }
                .takingOwnershipOfDescriptor(input: fd).wait()
        case .udp:
            // recvmmsg: up to 16 datagrams per system call, each up to `datagramSlot` bytes.
            let slot = Self.datagramSlot(s.maxSize)
            var bootstrap = DatagramBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .channelOption(ChannelOptions.datagramVectorReadMessageCount, value: 16)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * slot))
                .channelOption(ChannelOptions.maxMessagesPerRead, value: 4)
                .channelInitializer { [self] ch in
                    Self.pausedPipeline(ch, DatagramHandler(listener: self))
                }
            if s.reusePort { bootstrap = bootstrap.channelOption(ChannelOptions.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1) }
            if let r = s.receiveBuffer { bootstrap = bootstrap.channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: SocketOptionValue(r)) }
            channel = s.isUnix ? try bootstrap.bind(unixDomainSocketPath: s.path, cleanupExistingSocketFile: true).wait()
                               : try bootstrap.bind(host: s.host, port: s.port).wait()
        }
        if s.isUnix {
            boundAddress = s.path
            chmod(s.path, mode_t(s.permissions))
        } else if let a = channel?.localAddress {
            boundAddress = "\(a.ipAddress ?? s.host):\(a.port ?? s.port)"
        }
    }

    /// The largest UDP datagram read whole: `log-msg-size()`, at most 16 KiB (longer ones are
    /// cut by the kernel; syslog over UDP stays well below).
    static func datagramSlot(_ maxSize: Int) -> Int { max(2048, min(maxSize, 16_384)) }

    /// Sets up a datagram channel (on its loop): not reading until a configuration attaches,
    /// `handler` at the end of its pipeline.
    private static func pausedPipeline(_ ch: any Channel, _ handler: some ChannelHandler & Sendable) -> EventLoopFuture<Void> {
        do {
            try ch.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            try ch.pipeline.syncOperations.addHandler(handler)
            return ch.eventLoop.makeSucceededVoidFuture()
        } catch {
            return ch.eventLoop.makeFailedFuture(error)
        }
    }

    /// A unix datagram socket bound at `path` (an existing file there is replaced).
    private static func bindUnixDatagram(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Glibc.close(fd)
            throw IOError(errnoCode: ENAMETOOLONG, reason: "bind")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        unlink(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            Glibc.close(fd)
            throw IOError(errnoCode: e, reason: "bind")
        }
        return fd
    }

    private func close() {
        let conns: [StreamConnectionHandler] = (try? loop.submit { [self] in Array(connections.values) }.wait()) ?? []
        for c in conns { c.close() }
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
        if settings.isUnix { unlink(settings.path) }
    }

    // MARK: configurations (control thread → loop)

    /// Starts delivering to `poster` (the new configuration's source).
    func attach(_ poster: SourcePoster, settings: NetworkSourceSettings, tls: NIOSSLContext?) {
        loop.execute { [self] in
            self.tlsContext = tls
            // The key (address) is the same; everything else is the new configuration's
            // (framing and log-msg-size for new connections, format, limits, names).
            // Options applied when binding (so-rcvbuf, so-reuseport) keep the first values.
            self.settings = settings
            self.recordFormat = settings.recordFormat
            self.transportValue = .string(settings.transportName)
            self.poster = poster
            for c in connections.values { c.resume() }
            if !settings.isStream { _ = channel?.setOption(ChannelOptions.autoRead, value: true) }
        }
    }

    /// Stops delivering: reading pauses until the next ``attach``. `done` is signalled on the
    /// loop once no more messages will be posted to the old poster.
    func detach(_ done: Completion) {
        loop.execute { [self] in
            poster?.closeBatch()
            poster = nil
            for c in connections.values { c.pause() }
            if !settings.isStream { _ = channel?.setOption(ChannelOptions.autoRead, value: false) }
            done.signal()
        }
    }

    // MARK: connections (loop)

    private func adopt(_ ch: any Channel) -> EventLoopFuture<Void> {
        let remote = ch.remoteAddress
        let ip = remote?.ipAddress ?? "0.0.0.0"
        let port = remote?.port ?? 0
        if connections.count >= settings.maxConnections {
            refused.add(1, ordering: .relaxed)
            InternalLog.shared.error("Number of allowed concurrent connections reached, rejecting connection",
                                     [("client", settings.isUnix ? "localhost" : "\(ip):\(port)"), ("local", boundAddress),
                                      ("max", String(settings.maxConnections))])
            return ch.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        // The sender's name (use-dns(yes)) is looked up off the loop, so other connections keep
        // flowing meanwhile; the connection reads nothing until it is known.
        let resolveLater = !settings.isUnix && settings.dns == .yes && !HostNames.isCached(ip)
        let peer: Peer? = settings.isUnix ? Peer.local
            : resolveLater ? nil : Peer(ip: ip, port: port, resolving: settings)
        let handler = StreamConnectionHandler(listener: self, channel: ch, client: settings.isUnix ? "localhost" : ip, peer: peer,
                                              decoder: SyslogFrameDecoder(mode: settings.framing, maxSize: settings.maxSize))
        connections[ObjectIdentifier(handler)] = handler
        if resolveLater {
            let s = settings
            NIOThreadPool.singleton.runIfActive(eventLoop: loop) { Peer(ip: ip, port: port, resolving: s) }
                .whenComplete { result in
                    handler.resolved((try? result.get()) ?? Peer(ip: ip, port: port))
                }
        }
        do {
            // On the loop already: set up synchronously.
            if poster == nil || peer == nil { try ch.syncOptions?.setOption(ChannelOptions.autoRead, value: false) }
            if let tls = tlsContext {
                try ch.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
            }
            try ch.pipeline.syncOperations.addHandler(handler)
            return ch.eventLoop.makeSucceededVoidFuture()
        } catch {
            return ch.eventLoop.makeFailedFuture(error)
        }
    }

    func forget(_ handler: StreamConnectionHandler) {
        connections[ObjectIdentifier(handler)] = nil
    }

    /// Posts one record from `peer` (loop; `poster` is set).
    @inline(__always)
    func post(_ frame: SyslogFrame, from peer: Peer, to poster: SourcePoster) {
        // Empty records are skipped, as syslog-ng skips them.
        guard frame.bytes.readableBytes > 0 else { return }
        let format = recordFormat
        let msg = frame.bytes.withUnsafeReadableBytes { format.message($0.assumingMemoryBound(to: UInt8.self)) }
        peer.stamp(msg, transport: transportValue)
        // Local messages are numbered ($SEQNUM, `[meta sequenceId=…]` in $SDATA).
        if peer.isLocal {
            localSequence &+= 1
            msg.sequence = localSequence
        }
        if frame.truncated {
            truncated.add(1, ordering: .relaxed)
            InternalLog.shared.warning("Incoming message longer than log-msg-size, truncating",
                                       [("driver", settings.driverName), ("log_msg_size", String(settings.maxSize)),
                                        ("client", peer.ip)])
        }
        poster.post(msg)
    }

    func connectionFailed(_ error: any Error, client: String) {
        InternalLog.shared.error("Error on connection, closing it",
                                 [("driver", settings.driverName), ("client", client), ("error", String(describing: error))])
    }

    func framingFailed(_ error: any Error, client: String) {
        framingErrors.add(1, ordering: .relaxed)
        InternalLog.shared.error("Error reading frame, closing connection",
                                 [("driver", settings.driverName), ("client", client), ("error", String(describing: error))])
    }
}

/// The error a connection over `max-connections()` fails with (NIO closes it).
struct ConnectionRefused: Error, CustomStringConvertible {
    var description: String { "too many connections" }
}

/// A one-shot signal with a timed wait (a detach reaching the loop).
final class Completion: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `done` is guarded by `lock`.
    private let lock = ConditionLock()
    private var done = false

    func signal() {
        lock.withLock {
            done = true
            lock.broadcast()
        }
    }

    /// False when `seconds` passed first.
    func wait(seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        return lock.withLock {
            while !done {
                let left = deadline - monotonicSeconds()
                if left <= 0 { return false }
                lock.wait(seconds: min(left, 0.5))
            }
            return true
        }
    }
}
