import SyslogMessage

/// JSON encoding of strings and typed values, as syslog-ng's format-json writes them.
enum JSONEncoding {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a quoted JSON string: `"` and `\` escaped, control characters as
    /// `\n`, `\t`, … or `\u00XX`; valid UTF-8 passes through; an invalid byte becomes the
    /// text `\xNN` (a JSON-escaped backslash followed by `xNN`), as syslog-ng does.
    static func appendString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8, C.Index == Int {
        out.append(UInt8(ascii: "\""))
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            // A run of bytes that need no escaping is appended at once.
            var j = i
            while j < end {
                let c = bytes[j]
                if c < 0x20 || c >= 0x80 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { break }
                j += 1
            }
            if j > i {
                out.append(contentsOf: bytes[i..<j])
                i = j
                if i == end { break }
            }
            let b = bytes[i]
            if b < 0x80 {
                switch b {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
                case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 15)])
                default: out.append(b)
                }
                i += 1
                continue
            }
            let len = validSequenceLength(bytes, at: i)
            if len > 0 {
                out.append(contentsOf: bytes[i..<(i + len)])
                i += len
            } else {
                out.append(contentsOf: "\\\\x".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
                i += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Length of the valid UTF-8 sequence starting at `i` (a non-ASCII lead byte), 0 if invalid.
    private static func validSequenceLength<C: Collection>(_ s: C, at i: Int) -> Int
        where C.Element == UInt8, C.Index == Int {
        let b0 = s[i]
        let len: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return 0
        }
        guard i + len <= s.endIndex else { return 0 }
        for k in 1..<len {
            let c = s[i + k]
            if k == 1 {
                if c < lo || c > hi { return 0 }
            } else if c < 0x80 || c > 0xBF {
                return 0
            }
        }
        return len
    }

    /// Appends a typed value: numbers and booleans unquoted, null as `null`, lists as arrays
    /// of strings, everything else as a string.
    static func appendValue(_ value: LogValue, to out: inout [UInt8]) {
        switch value {
        case .string(var s):
            s.withUTF8 { appendString($0, to: &out) }
        case .int(let i):
            LogValue.appendDecimal(i, to: &out)
        case .double(let d):
            if d.isFinite {
                out.append(contentsOf: LogValue.formatDouble(d).utf8)
            } else {
                appendString(Array(LogValue.formatDouble(d).utf8), to: &out)
            }
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null:
            out.append(contentsOf: "null".utf8)
        case .list(let items):
            appendArray(items.map { Array($0.utf8) }, to: &out)
        case .datetime:
            // seconds.milliseconds is a valid JSON number
            value.append(to: &out)
        case .bytes(let b), .rawString(let b):
            appendString(b, to: &out)
        }
    }

    static func appendArray(_ items: [[UInt8]], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(item, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
