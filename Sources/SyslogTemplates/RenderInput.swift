import SyslogMessage

/// The message being rendered; lookups read its name-value pairs in place.
struct RenderInput {
    let message: LogMessage

    @inline(__always)
    init(_ message: LogMessage) {
        self.message = message
    }

    /// The name-value pairs (a copy; for the rarer walks over all of them).
    var entries: [LogMessage.Entry] { message.entries }

    /// The value of `handle`, nil when unset.
    @inline(__always)
    subscript(handle: NVHandle) -> LogValue? {
        message[handle]
    }

    /// Appends the text of `handle`'s value (nothing when unset).
    @inline(__always)
    func append(_ handle: NVHandle, to out: inout [UInt8]) {
        message.withEntries { buf in
            for i in 0..<buf.count where buf[i].handle == handle {
                if case .string(let s) = buf[i].value {
                    let done: Void? = s.utf8.withContiguousStorageIfAvailable { ByteAppend.append($0, to: &out) }
                    if done == nil { out.append(contentsOf: s.utf8) }
                } else {
                    buf[i].value.append(to: &out)
                }
                return
            }
        }
    }

    /// Whether `handle` has a value.
    @inline(__always)
    func has(_ handle: NVHandle) -> Bool {
        message.withEntries { buf in
            for i in 0..<buf.count where buf[i].handle == handle { return true }
            return false
        }
    }

    /// Appends a value's text; strings are copied straight from their UTF-8 storage.
    @inline(__always)
    static func append(_ value: LogValue, to out: inout [UInt8]) {
        if case .string(let s) = value {
            let done: Void? = s.utf8.withContiguousStorageIfAvailable { ByteAppend.append($0, to: &out) }
            if done == nil { out.append(contentsOf: s.utf8) }
        } else {
            value.append(to: &out)
        }
    }

    var pri: UInt16 { message.pri }
    var facility: Int { message.facility }
    var severity: Int { message.severity }
    var tags: [String] { message.tags }
    var sourceAddress: String? { message.sourceAddress }
    var sequence: UInt64 { message.sequence }
    var stamp: LogStamp { message.stamp }
    var received: LogStamp { message.received }
}
