// Built alone with SyslogMessage's sources by scripts/fuzz-scanners.sh.
#if canImport(SyslogMessage)
import SyslogMessage
#endif

/// Finds kv-parser() pairs in one input (see ``KVParser``); no I/O, no message.
struct KVScanner: Sendable {
    let separator: UInt8
    let pairSeparator: [UInt8]?

    @inline(__always)
    static func isKeyChar(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    /// The pairs of `b`, in order.
    func scan(_ b: UnsafeBufferPointer<UInt8>) -> [([UInt8], [UInt8])] {
        if let pairSeparator { return scanSeparated(b, pairSeparator) }
        var out: [([UInt8], [UInt8])] = []
        let n = b.count
        /// The next key at or after `from` (key start, separator index), or nil. Inside an
        /// unquoted value (`afterSpace`) only a key that follows a space ends it.
        func nextKey(from: Int, afterSpace: Bool) -> (Int, Int)? {
            var j = from
            while j < n {
                if b[j] == separator {
                    var s = j
                    while s > from, KVScanner.isKeyChar(b[s - 1]) { s -= 1 }
                    if s < j, !afterSpace || s == 0 || b[s - 1] == UInt8(ascii: " ") { return (s, j) }
                }
                j += 1
            }
            return nil
        }
        var pos = 0
        while let (ks, sep) = nextKey(from: pos, afterSpace: false) {
            let key = Array(b[ks..<sep])
            var i = sep + 1
            if i < n, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                let q = b[i]
                var value: [UInt8] = []
                var k = i + 1
                var closed = false
                while k < n {
                    if b[k] == UInt8(ascii: "\\"), k + 1 < n {
                        value.append(b[k + 1])
                        k += 2
                        continue
                    }
                    if b[k] == q { closed = true; k += 1; break }
                    value.append(b[k])
                    k += 1
                }
                if closed {
                    out.append((key, value))
                    pos = k
                    continue
                }
            }
            // Unquoted: up to the next key.
            let end = nextKey(from: i, afterSpace: true).map { $0.0 } ?? n
            var e = end
            while e > i, b[e - 1] == UInt8(ascii: " ") { e -= 1 }
            if end < n, e > i, b[e - 1] == UInt8(ascii: ",") {
                e -= 1
                while e > i, b[e - 1] == UInt8(ascii: " ") { e -= 1 }
            }
            out.append((key, Array(b[i..<e])))
            i = end
            pos = i
        }
        return out
    }

    /// `pair-separator()` given: pairs are split at it, each `key=value` trimmed.
    private func scanSeparated(_ b: UnsafeBufferPointer<UInt8>, _ sep: [UInt8]) -> [([UInt8], [UInt8])] {
        var out: [([UInt8], [UInt8])] = []
        var parts: [ArraySlice<UInt8>] = []
        let bytes = Array(b)
        var start = 0
        var i = 0
        while i + sep.count <= bytes.count {
            if bytes[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(bytes[start..<i])
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(bytes[start...])
        for p in parts {
            guard let eq = p.firstIndex(of: separator) else { continue }
            var key = p[p.startIndex..<eq]
            while let f = key.first, KVScanner.isSpace(f) { key = key.dropFirst() }
            while let l = key.last, KVScanner.isSpace(l) { key = key.dropLast() }
            guard !key.isEmpty, key.allSatisfy(KVScanner.isKeyChar) else { continue }
            var value = p[(eq + 1)...]
            while let f = value.first, KVScanner.isSpace(f) { value = value.dropFirst() }
            while let l = value.last, KVScanner.isSpace(l) { value = value.dropLast() }
            if value.count >= 2, let f = value.first, f == UInt8(ascii: "\"") || f == UInt8(ascii: "'"), value.last == f {
                value = value.dropFirst().dropLast()
            }
            out.append((Array(key), Array(value)))
        }
        return out
    }

}
