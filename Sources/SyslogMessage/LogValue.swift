#if canImport(Glibc)
import Glibc
#endif

/// A typed value stored in a name-value pair of a ``LogMessage``.
///
/// syslog-ng keeps every value as bytes plus a type tag; we keep the natural Swift value and
/// render it to text only when a template asks for it.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case null
    case list([String])
    case datetime(LogStamp)
    case bytes([UInt8])
    /// A string value whose bytes are not valid UTF-8 (Latin-1 text posted from Python as
    /// `bytes`, say), kept verbatim. Its type is `string`; ``text`` decodes it lossily.
    case rawString([UInt8])

    /// A string value from bytes: ``string(_:)`` when they are UTF-8, else ``rawString(_:)``.
    @inlinable
    public static func string(bytes: some Collection<UInt8>) -> LogValue {
        if let v = bytes.withContiguousStorageIfAvailable({ string(buffer: $0) }) { return v }
        return Array(bytes).withUnsafeBufferPointer { string(buffer: $0) }
    }

    /// ``string(bytes:)`` for contiguous bytes. (`String(validating:as:)` is generic in the
    /// standard library and looked up type metadata on every call: 9 % of a TCP receiver's
    /// time.) ASCII, the common case, is decoded directly; other text is kept as a string when
    /// decoding reproduced it byte for byte.
    public static func string(buffer b: UnsafeBufferPointer<UInt8>) -> LogValue {
        var high: UInt8 = 0
        for byte in b { high |= byte }
        let s = String(decoding: b, as: UTF8.self)
        if high < 0x80 || s.utf8.elementsEqual(b) { return .string(s) }
        return .rawString(Array(b))
    }

    /// The syslog-ng type name (`string`, `int`, `double`, `boolean`, `null`, `list`, `datetime`, `bytes`).
    public var typeName: String {
        switch self {
        case .string, .rawString: return "string"
        case .int: return "int"
        case .double: return "double"
        case .bool: return "boolean"
        case .null: return "null"
        case .list: return "list"
        case .datetime: return "datetime"
        case .bytes: return "bytes"
        }
    }

    /// Appends the textual form of the value, as a template renders it, to `out`.
    @inlinable
    public func append(to out: inout [UInt8]) {
        switch self {
        case .string(let s):
            out.append(contentsOf: s.utf8)
        case .int(let i):
            LogValue.appendDecimal(i, to: &out)
        case .double(let d):
            out.append(contentsOf: LogValue.formatDouble(d).utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null:
            break
        case .list(let items):
            LogValue.appendList(items, to: &out)
        case .datetime(let stamp):
            // syslog-ng renders datetime values as seconds.milliseconds since the epoch.
            LogValue.appendDecimal(stamp.seconds, to: &out)
            out.append(UInt8(ascii: "."))
            let ms = Int64(stamp.microseconds / 1000)
            if ms < 100 { out.append(UInt8(ascii: "0")) }
            if ms < 10 { out.append(UInt8(ascii: "0")) }
            LogValue.appendDecimal(ms, to: &out)
        case .bytes(let b), .rawString(let b):
            out.append(contentsOf: b)
        }
    }

    /// The textual form of the value.
    public var text: String {
        if case .string(let s) = self { return s }
        var buf: [UInt8] = []
        append(to: &buf)
        return String(decoding: buf, as: UTF8.self)
    }

    /// Appends a decimal integer without allocating.
    @inlinable
    public static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var v = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            while v > 0 {
                raw[n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            }
            while n > 0 {
                n -= 1
                out.append(raw[n])
            }
        }
    }

    /// Formats a double as syslog-ng stores typed doubles: C's `%f`, six decimals
    /// (`6.9` → `6.900000`).
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { args in
            buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%f", args) }
        }
        guard n > 0 else { return "0.000000" }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Appends a syslog-ng list: comma separated, elements with commas, quotes or spaces quoted.
    public static func appendList(_ items: [String], to out: inout [UInt8]) {
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let needsQuote = item.isEmpty || item.utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: " ")
                    || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\\")
            }
            if !needsQuote {
                out.append(contentsOf: item.utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            for b in item.utf8 {
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
