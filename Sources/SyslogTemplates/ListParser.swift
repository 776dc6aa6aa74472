/// Splits syslog-ng list text (`a,b,"c,d"`) into its elements.
enum ListParser {
    /// Elements are separated by commas; an element may be quoted with `"` or `'`, and a
    /// backslash inside double quotes escapes the next character.
    static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [] }
        var items: [String] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ",") {
                items.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                i += 1
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                while i < bytes.count && bytes[i] != b {
                    if b == UInt8(ascii: "\""), bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1 }
                    current.append(bytes[i])
                    i += 1
                }
                i += 1
            } else {
                current.append(b)
                i += 1
            }
        }
        items.append(String(decoding: current, as: UTF8.self))
        return items
    }
}
