import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A TLS client connection for a destination worker: NIO does the I/O and the TLS on an event
/// loop of the writer's own; the worker hands it whole batches and waits for each write.
final class TLSStream: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `channel` is used by the writer's worker thread only;
    // `closed` is atomic (set on the loop when the server hangs up).
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    /// Set on the loop when this connection ended.
    private var closed = ClosedFlag()

    /// Connects and finishes the handshake; throws what failed.
    func connect(host: String, port: Int, context: NIOSSLContext, verifyHostname: Bool, timeout: Double) throws {
        let flag = ClosedFlag()
        closed = flag
        let watcher = CloseWatcher(closed: flag)
        let ch = try ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { ch in
                do {
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: verifyHostname ? host : nil)
                    try ch.pipeline.syncOperations.addHandler(tls)
                    try ch.pipeline.syncOperations.addHandler(watcher)
                    return ch.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return ch.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(host: host, port: port).wait()
        channel = ch
        // The handshake: a flushed empty write completes once TLS is up (or fails with why not).
        try ch.writeAndFlush(ByteBuffer()).wait()
    }

    var isOpen: Bool { channel != nil && !closed.value.load(ordering: .relaxed) }

    /// Writes `bytes` and waits until NIO handed them to the kernel.
    func send(_ bytes: [UInt8]) throws {
        guard let ch = channel else { throw ChannelError.ioOnClosedChannel }
        try ch.writeAndFlush(ch.allocator.buffer(bytes: bytes)).wait()
    }

    func close() {
        if let ch = channel { try? ch.close().wait() }
        channel = nil
    }

    deinit {
        channel?.close(promise: nil)
        group.shutdownGracefully { _ in }
    }
}

/// Whether a connection ended, shared by the stream and its watcher.
private final class ClosedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// Notes a connection the server closed; what the server sends is discarded.
private final class CloseWatcher: ChannelInboundHandler, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `closed` is atomic.
    typealias InboundIn = ByteBuffer
    let closed: ClosedFlag

    init(closed: ClosedFlag) { self.closed = closed }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelInactive(context: ChannelHandlerContext) {
        closed.value.store(true, ordering: .relaxed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closed.value.store(true, ordering: .relaxed)
        context.close(promise: nil)
    }
}
