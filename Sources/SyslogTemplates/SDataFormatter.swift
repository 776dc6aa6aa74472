import SyslogMessage

/// Renders RFC 5424 structured data from the `.SDATA.<id>.<param>` values of a message.
enum SDataFormatter {
    private struct Element {
        var id: Substring
        var params: [(name: Substring, value: LogValue)]
    }

    private static let prefix = ".SDATA."
    /// Handles up to this raw value are the builtin ones (HOST, MESSAGE, …), never SDATA.
    private static let lastBuiltinHandle: UInt32 = 11

    /// The SD elements in first-seen order.
    private static func elements(_ msg: RenderInput) -> [Element] {
        var list: [Element] = []
        for e in msg.entries where e.handle.raw > lastBuiltinHandle {
            let name = NameRegistry.shared.name(of: e.handle)
            guard name.hasPrefix(prefix) else { continue }
            let rest = name.dropFirst(prefix.count)
            let id: Substring
            let param: Substring
            if let dot = rest.lastIndex(of: ".") {
                id = rest[..<dot]
                param = rest[rest.index(after: dot)...]
            } else {
                id = rest
                param = ""
            }
            if id.isEmpty { continue }
            if let i = list.firstIndex(where: { $0.id == id }) {
                if !param.isEmpty { list[i].params.append((param, e.value)) }
            } else {
                list.append(Element(id: id, params: param.isEmpty ? [] : [(param, e.value)]))
            }
        }
        return list
    }

    /// Appends `[id param="value"…]…`; as syslog-ng, a message with a sequence number gets
    /// `sequenceId` in its `meta` element unless it already has one.
    static func append(_ msg: RenderInput, to out: inout [UInt8]) {
        var list = elements(msg)
        if msg.sequence != 0 {
            let seq = LogValue.int(Int64(truncatingIfNeeded: msg.sequence))
            if let i = list.firstIndex(where: { $0.id == "meta" }) {
                if !list[i].params.contains(where: { $0.name == "sequenceId" }) {
                    list[i].params.insert(("sequenceId", seq), at: 0)
                }
            } else {
                list.append(Element(id: "meta", params: [("sequenceId", seq)]))
            }
        }
        var scratch: [UInt8] = []
        for el in list {
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: el.id.utf8)
            for p in el.params {
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: p.name.utf8)
                out.append(UInt8(ascii: "="))
                out.append(UInt8(ascii: "\""))
                scratch.removeAll(keepingCapacity: true)
                p.value.append(to: &scratch)
                for b in scratch {
                    if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == UInt8(ascii: "]") {
                        out.append(UInt8(ascii: "\\"))
                    }
                    out.append(b)
                }
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}
