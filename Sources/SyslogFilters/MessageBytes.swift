import SyslogMessage

/// Gives matchers the bytes of message values without copying where possible.
enum MessageBytes {
    /// Calls `body` with the UTF-8 bytes of `value` ("" when nil). Native strings and byte
    /// values are passed in place; other types are rendered to text first.
    @inline(__always)
    static func with<R>(_ value: LogValue?, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        switch value {
        case .none:
            return body(UnsafeBufferPointer(start: nil, count: 0))
        case .string(let s)?:
            if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
            var copy = s
            return copy.withUTF8(body)
        case .bytes(let b)?, .rawString(let b)?:
            return b.withUnsafeBufferPointer(body)
        case let other?:
            var text = other.text
            return text.withUTF8(body)
        }
    }

    /// Calls `body` with `$MSGHDR$MSG`: `LEGACY_MSGHDR` when set, otherwise `PROGRAM[PID]: `
    /// (or `PROGRAM: `, or nothing without a program), followed by `MESSAGE`. The text is
    /// assembled in a temporary (stack when small) buffer.
    static func withHeaderAndMessage<R>(_ msg: LogMessage, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        with(msg[.message]) { message in
            with(msg[.legacyMsghdr]) { legacy in
                if !legacy.isEmpty {
                    return concatenated([legacy, message], body)
                }
                return with(msg[.program]) { program in
                    if program.isEmpty { return body(message) }
                    return with(msg[.pid]) { pid in
                        if pid.isEmpty {
                            return withStatic(colonSpace) { cs in concatenated([program, cs, message], body) }
                        }
                        return withStatic(open) { o in
                            withStatic(closeColonSpace) { c in
                                concatenated([program, o, pid, c, message], body)
                            }
                        }
                    }
                }
            }
        }
    }

    private static let colonSpace: [UInt8] = Array(": ".utf8)
    private static let open: [UInt8] = Array("[".utf8)
    private static let closeColonSpace: [UInt8] = Array("]: ".utf8)

    @inline(__always)
    private static func withStatic<R>(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer(body)
    }

    private static func concatenated<R>(_ parts: [UnsafeBufferPointer<UInt8>],
                                        _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var total = 0
        for p in parts { total += p.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { buf in
            var at = 0
            for p in parts where !p.isEmpty {
                guard let src = p.baseAddress, let dst = buf.baseAddress else { continue }
                (dst + at).initialize(from: src, count: p.count)
                at += p.count
            }
            return body(UnsafeBufferPointer(rebasing: buf[0..<at]))
        }
    }
}
