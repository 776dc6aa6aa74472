#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// One syslog record cut from a stream: its bytes (a slice of what was read, no copy) and
/// whether it was cut at `log-msg-size`.
public struct SyslogFrame: Equatable, Sendable {
    public var bytes: ByteBuffer
    public var truncated: Bool

    public init(_ bytes: ByteBuffer, truncated: Bool = false) {
        self.bytes = bytes
        self.truncated = truncated
    }
}

/// Why a stream's framing failed: the connection is closed and the error counted.
public struct SyslogFramingError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

/// Cuts a syslog stream into records (RFC 6587): newline-terminated (`\n`, or a NUL, ends a
/// record; one `\r` before it is dropped) or octet-counted (`LEN SP RECORD`). In `.auto` the
/// first byte of the stream decides, as syslog-ng's network sources do: a digit means
/// octet counting.
///
/// A newline-terminated record longer than `maxSize` (`log-msg-size`) is split there; an
/// octet-counted one is cut there and the rest of it skipped. Both come out `truncated`.
/// A frame header that is not a length (or one of more than 10 digits) is an error.
public struct SyslogFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = SyslogFrame

    public enum Mode: Sendable, Equatable { case auto, newline, octetCounted }

    public private(set) var mode: Mode
    public let maxSize: Int
    /// Bytes of an oversized octet-counted record still to skip.
    private var skipping = 0

    public init(mode: Mode = .auto, maxSize: Int = 65536) {
        self.mode = mode
        self.maxSize = max(1, maxSize)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        while let frame = try next(&buffer) { context.fireChannelRead(Self.wrapInboundOut(frame)) }
        // At the end of the stream an unterminated line is a record; a partial
        // octet-counted one is not.
        if seenEOF, mode == .newline, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(Self.wrapInboundOut(SyslogFrame(rest)))
        }
        return .needMoreData
    }

    /// The next record in `buffer`, consuming it; nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws -> SyslogFrame? {
        while true {
            if skipping > 0 {
                let n = min(skipping, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: n)
                skipping -= n
                if skipping > 0 { return nil }
            }
            guard buffer.readableBytes > 0 else { return nil }
            if mode == .auto {
                let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) ?? 0
                mode = first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") ? .octetCounted : .newline
            }
            switch mode {
            case .newline: return newlineFrame(&buffer)
            case .octetCounted:
                // Line ends between frames (senders that add one) are skipped.
                let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self)
                if first == UInt8(ascii: "\n") || first == UInt8(ascii: "\r") {
                    buffer.moveReaderIndex(forwardBy: 1)
                    continue
                }
                guard let frame = try octetFrame(&buffer) else { return nil }
                // An empty record (`0 `) is skipped.
                if frame.bytes.readableBytes == 0 && !frame.truncated { continue }
                return frame
            case .auto: return nil
            }
        }
    }

    private func newlineFrame(_ buffer: inout ByteBuffer) -> SyslogFrame? {
        // A record of exactly log-msg-size bytes still has its end right after it.
        let limit = min(buffer.readableBytes, maxSize + 1)
        let end: Int? = buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress, limit > 0 else { return nil }
            // memchr twice (a newline, then a NUL before it) beats a byte loop by far.
            let nl = memchr(base, Int32(UInt8(ascii: "\n")), limit).map { base.distance(to: UnsafeRawPointer($0)) }
            let nul = memchr(base, 0, nl ?? limit).map { base.distance(to: UnsafeRawPointer($0)) }
            return nul ?? nl
        }
        if let end {
            var line = buffer.readSlice(length: end)!
            buffer.moveReaderIndex(forwardBy: 1)
            if end > 0, line.getInteger(at: line.readerIndex + end - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            return SyslogFrame(line)
        }
        guard buffer.readableBytes > maxSize else { return nil }
        // No end within log-msg-size: split here.
        return SyslogFrame(buffer.readSlice(length: maxSize)!, truncated: true)
    }

    private mutating func octetFrame(_ buffer: inout ByteBuffer) throws -> SyslogFrame? {
        // The header: up to 10 digits, then one space.
        var length = 0
        var digits = 0
        let headerEnd: Int? = try buffer.withUnsafeReadableBytes { raw throws(SyslogFramingError) -> Int? in
            for i in 0..<raw.count {
                let b = raw[i]
                if b == UInt8(ascii: " ") {
                    guard digits > 0 else { throw SyslogFramingError(description: "Invalid frame header: no length") }
                    return i
                }
                guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"), digits < 10 else {
                    throw SyslogFramingError(description: "Invalid frame header")
                }
                length = length * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
            }
            return nil
        }
        guard let headerEnd else { return nil }
        if length <= maxSize {
            guard buffer.readableBytes >= headerEnd + 1 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: headerEnd + 1)
            return SyslogFrame(buffer.readSlice(length: length)!)
        }
        // Oversized: the first log-msg-size bytes are the record, the rest is skipped.
        guard buffer.readableBytes >= headerEnd + 1 + maxSize else { return nil }
        buffer.moveReaderIndex(forwardBy: headerEnd + 1)
        let frame = SyslogFrame(buffer.readSlice(length: maxSize)!, truncated: true)
        skipping = length - maxSize
        return frame
    }
}
