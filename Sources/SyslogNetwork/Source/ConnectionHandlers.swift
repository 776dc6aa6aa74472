import NIOCore
import SyslogCore
import SyslogMessage

/// A connection's handler: cuts what arrives into records (``SyslogFrameDecoder``, in place:
/// no pipeline hop per record), turns them into messages and posts them. While the listener
/// has no configuration it keeps what arrived and stops reading.
final class StreamConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // Invariant for @unchecked Sendable: used on the listener's loop only (`close` is
    // thread-safe: it only asks the channel to close).
    typealias InboundIn = ByteBuffer

    private unowned let listener: NetworkListener
    private let channel: any Channel
    /// The sender; nil while its name is being resolved (`use-dns()`), when nothing is posted.
    private var peer: Peer?
    private var decoder: SyslogFrameDecoder
    /// Bytes read and not yet cut into records (nil when none).
    private var pending: ByteBuffer?
    private var failed = false
    /// The connection ended while nothing could be posted (between configurations, or before
    /// its name was known): what it sent is posted, and the handler forgotten, on ``resume()``.
    private var ended = false

    /// The sender's address (for log messages).
    private let client: String

    init(listener: NetworkListener, channel: any Channel, client: String, peer: Peer?, decoder: SyslogFrameDecoder) {
        self.listener = listener
        self.client = client
        self.channel = channel
        self.peer = peer
        self.decoder = decoder
    }

    /// Whether records can be posted now.
    private var canPost: Bool { peer != nil && listener.poster != nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pending == nil {
            pending = bytes
        } else {
            pending!.writeBuffer(&bytes)
        }
        drain(atEnd: false)
    }

    /// Posts the records in `pending` while a configuration is attached.
    private func drain(atEnd: Bool) {
        guard !failed, let peer, let poster = listener.poster, var buffer = pending else { return }
        pending = nil
        do {
            while let frame = try decoder.next(&buffer) {
                listener.post(frame, from: peer, to: poster)
            }
            if atEnd, decoder.mode == .newline, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
                listener.post(SyslogFrame(rest), from: peer, to: poster)
            }
        } catch {
            failed = true
            listener.framingFailed(error, client: client)
            channel.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 {
            // Keep the partial record; move it to the front once the consumed part is large.
            if buffer.readerIndex > 65536 { buffer.discardReadBytes() }
            pending = buffer
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        listener.poster?.closeBatch()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if canPost {
            drain(atEnd: true)
            listener.poster?.closeBatch()
            listener.forget(self)
        } else {
            // Kept (with what it sent) until a configuration is attached and the name known.
            ended = true
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures (handshake, certificate) reach here from the TLS handler.
        if !(error is ChannelError) { listener.connectionFailed(error, client: client) }
        context.close(promise: nil)
    }

    /// A configuration is attached (or the sender's name became known): post what was kept,
    /// read again.
    func resume() {
        guard canPost else { return }
        drain(atEnd: ended)
        listener.poster?.closeBatch()
        if ended {
            listener.forget(self)
        } else {
            channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
    }

    /// The sender's name was resolved (on the loop).
    func resolved(_ peer: Peer) {
        self.peer = peer
        resume()
    }

    func pause() {
        channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    func close() { channel.close(promise: nil) }
}

/// A UDP listener's handler: each datagram is one record.
final class DatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    // Invariant for @unchecked Sendable: used on the listener's loop only.
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private unowned let listener: NetworkListener
    private var lastAddress: SocketAddress?
    private var lastPeer = Peer(ip: "0.0.0.0", port: 0)

    init(listener: NetworkListener) { self.listener = listener }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let poster = listener.poster else { return }
        if envelope.remoteAddress != lastAddress {
            lastAddress = envelope.remoteAddress
            lastPeer = Peer(ip: envelope.remoteAddress.ipAddress ?? "0.0.0.0", port: envelope.remoteAddress.port ?? 0,
                            resolving: listener.settings)
        }
        listener.postDatagram(envelope.data, from: lastPeer, to: poster)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        listener.poster?.closeBatch()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A datagram socket keeps going (e.g. ICMP errors surfaced as read errors).
        InternalLog.shared.debug("Error reading datagram", [("driver", listener.settings.driverName),
                                                            ("error", String(describing: error))])
    }
}

/// A `unix-dgram()` listener's handler: its socket is read as a pipe, each read one datagram.
final class UnixDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    // Invariant for @unchecked Sendable: used on the listener's loop only.
    typealias InboundIn = ByteBuffer

    private unowned let listener: NetworkListener

    init(listener: NetworkListener) { self.listener = listener }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let poster = listener.poster else { return }
        listener.postDatagram(unwrapInboundIn(data), from: .local, to: poster)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        listener.poster?.closeBatch()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        InternalLog.shared.debug("Error reading datagram", [("driver", listener.settings.driverName),
                                                            ("error", String(describing: error))])
    }
}

extension NetworkListener {
    /// Posts one datagram as a record: trailing line ends and NULs dropped, cut at `log-msg-size`.
    func postDatagram(_ data: ByteBuffer, from peer: Peer, to poster: SourcePoster) {
        var bytes = data
        while bytes.readableBytes > 0, let last = bytes.getInteger(at: bytes.writerIndex - 1, as: UInt8.self),
              last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") || last == 0 {
            bytes.moveWriterIndex(to: bytes.writerIndex - 1)
        }
        var truncated = false
        if bytes.readableBytes > settings.maxSize {
            bytes.moveWriterIndex(to: bytes.readerIndex + settings.maxSize)
            truncated = true
        }
        post(SyslogFrame(bytes, truncated: truncated), from: peer, to: poster)
    }
}
