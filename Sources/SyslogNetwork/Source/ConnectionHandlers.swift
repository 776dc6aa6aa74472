import NIOCore
import SyslogCore
import SyslogMessage

/// The end of a connection's pipeline (after ``SyslogFrameDecoder``): turns records into
/// messages and posts them. While the listener has no configuration it keeps what was
/// decoded and stops reading.
final class StreamConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // Invariant for @unchecked Sendable: used on the listener's loop only (`close` is
    // thread-safe: it only asks the channel to close).
    typealias InboundIn = SyslogFrame

    private unowned let listener: NetworkListener
    private let channel: any Channel
    private let peer: Peer
    /// Records decoded while no configuration was attached.
    private var held: [SyslogFrame] = []

    init(listener: NetworkListener, channel: any Channel, peer: Peer) {
        self.listener = listener
        self.channel = channel
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard held.isEmpty, let poster = listener.poster else {
            held.append(frame)
            return
        }
        listener.post(frame, from: peer, to: poster)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        listener.poster?.closeBatch()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let poster = listener.poster { poster.closeBatch() }
        listener.forget(self)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is SyslogFramingError || error is ByteToMessageDecoderError {
            listener.framingFailed(error, peer: peer)
        }
        context.close(promise: nil)
    }

    /// A configuration is attached: post what was held, read again.
    func resume() {
        if let poster = listener.poster, !held.isEmpty {
            let frames = held
            held.removeAll()
            for f in frames { listener.post(f, from: peer, to: poster) }
            poster.closeBatch()
        }
        channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
    }

    func pause() {
        channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    func close() { channel.close(promise: nil) }
}

/// A UDP listener's handler: each datagram is one record (trailing line ends and NULs
/// dropped, cut at `log-msg-size`).
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
            lastPeer = Peer(ip: envelope.remoteAddress.ipAddress ?? "0.0.0.0", port: envelope.remoteAddress.port ?? 0)
        }
        var bytes = envelope.data
        while bytes.readableBytes > 0, let last = bytes.getInteger(at: bytes.writerIndex - 1, as: UInt8.self),
              last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") || last == 0 {
            bytes.moveWriterIndex(to: bytes.writerIndex - 1)
        }
        var truncated = false
        if bytes.readableBytes > listener.settings.maxSize {
            bytes.moveWriterIndex(to: bytes.readerIndex + listener.settings.maxSize)
            truncated = true
        }
        listener.post(SyslogFrame(bytes, truncated: truncated), from: lastPeer, to: poster)
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
