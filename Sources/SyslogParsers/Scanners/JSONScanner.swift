// Built alone with SyslogMessage's sources by scripts/fuzz-scanners.sh.
#if canImport(SyslogMessage)
import SyslogMessage
#endif

/// A JSON reader over bytes in place.
struct JSONScanner {
    /// The flattened pairs of a JSON object, nil when `b` is not one.
    static func flatten(_ b: UnsafeBufferPointer<UInt8>, delimiter: String, extract: [String] = []) -> [(String, LogValue)]? {
        var s = JSONScanner(b)
        s.skipSpace()
        guard s.peek == UInt8(ascii: "{") else { return nil }
        var out: [(String, LogValue)] = []
        // What follows the object is ignored, as syslog-ng ignores it.
        guard s.object(path: "", delimiter: delimiter, depth: 0, into: &out) else { return nil }
        guard !extract.isEmpty else { return out }
        let p = extract.joined(separator: delimiter) + delimiter
        return out.compactMap { $0.0.hasPrefix(p) ? (String($0.0.dropFirst(p.count)), $0.1) : nil }
    }


    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    static let maxDepth = 64

    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var peek: UInt8? { i < b.count ? b[i] : nil }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    var atEndAfterSpace: Bool {
        mutating get {
            skipSpace()
            return i == b.count
        }
    }

    /// An object at `i` (its `{`), its members flattened under `path`.
    mutating func object(path: String, delimiter: String, depth: Int, into out: inout [(String, LogValue)]) -> Bool {
        guard depth < JSONScanner.maxDepth, peek == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; return true }
        while true {
            skipSpace()
            guard let key = string() else { return false }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpace()
            let name = path.isEmpty ? key : path + delimiter + key
            if peek == UInt8(ascii: "{") {
                guard object(path: name, delimiter: delimiter, depth: depth + 1, into: &out) else { return false }
            } else if peek == UInt8(ascii: "[") {
                guard let v = array(depth: depth + 1) else { return false }
                out.append((name, v))
            } else {
                guard let v = scalar() else { return false }
                out.append((name, v))
            }
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
    }

    /// An array: a list when every element is a plain value, else its JSON text.
    mutating func array(depth: Int) -> LogValue? {
        guard depth < JSONScanner.maxDepth else { return nil }
        let start = i
        i += 1
        var items: [String] = []
        var plain = true
        skipSpace()
        if peek == UInt8(ascii: "]") { i += 1; return .list([]) }
        while true {
            skipSpace()
            if peek == UInt8(ascii: "{") {
                plain = false
                var ignored: [(String, LogValue)] = []
                guard object(path: "", delimiter: ".", depth: depth + 1, into: &ignored) else { return nil }
            } else if peek == UInt8(ascii: "[") {
                plain = false
                guard array(depth: depth + 1) != nil else { return nil }
            } else {
                guard let v = scalar() else { return nil }
                if case .null = v { plain = false } else { items.append(v.text) }
            }
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "]") { i += 1; break }
            return nil
        }
        if plain { return .list(items) }
        return LogValue.string(bytes: UnsafeBufferPointer(rebasing: b[start..<i]))
    }

    mutating func scalar() -> LogValue? {
        guard let c = peek else { return nil }
        switch c {
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "t"):
            return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"):
            return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"):
            return word("null") ? .null : nil
        default:
            return number()
        }
    }

    private mutating func word(_ w: StaticString) -> Bool {
        let n = w.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let p = w.utf8Start
        for k in 0..<n where b[i + k] != p[k] { return false }
        i += n
        return true
    }

    mutating func number() -> LogValue? {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        let digits = i
        while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
        guard i > digits else { return nil }
        var integral = true
        if peek == UInt8(ascii: ".") {
            integral = false
            i += 1
            let f = i
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
            guard i > f else { return nil }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integral = false
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            let e = i
            while let c = peek, c >= 0x30 && c <= 0x39 { i += 1 }
            guard i > e else { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        if integral, let v = Int64(text) { return .int(v) }
        return Double(text).map { .double($0) }
    }

    /// A string at `i` (its opening quote), unescaped; nil when malformed.
    mutating func string() -> String? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        // The common case: no escapes.
        while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "\"") {
            let s = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            i += 1
            return s
        }
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { return nil }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var cp = hex4() else { return nil }
                if cp >= 0xD800 && cp < 0xDC00 {
                    // A surrogate pair.
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { return nil }
                    i += 2
                    guard let low = hex4(), low >= 0xDC00 && low < 0xE000 else { return nil }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(cp) else { return nil }
                out.append(contentsOf: String(Character(scalar)).utf8)
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
