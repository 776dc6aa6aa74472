// Built alone with SyslogMessage's sources by scripts/fuzz-scanners.sh.
#if canImport(SyslogMessage)
import SyslogMessage
#endif

/// Splits one input into csv-parser() columns (see ``CSVParser``); no I/O, no message.
struct CSVScanner: Sendable {
    enum Escape: Sendable { case none, backslash, doubleChar }

    let columns: Int
    let delimiterChars: [Bool]
    let delimiterStrings: [[UInt8]]
    /// Opening quote → closing quote (0: not an opening quote).
    let closing: [UInt8]
    let escape: Escape
    let strip: Bool
    let greedy: Bool
    let dropInvalid: Bool
    let null: [UInt8]?

    init(columns: Int, delimiterChars: [UInt8], delimiterStrings: [[UInt8]],
         quotePairs: [(UInt8, UInt8)], escape: Escape, strip: Bool, greedy: Bool, dropInvalid: Bool, null: [UInt8]?) {
        self.columns = columns
        var d = [Bool](repeating: false, count: 256)
        for c in delimiterChars { d[Int(c)] = true }
        self.delimiterChars = d
        self.delimiterStrings = delimiterStrings.filter { !$0.isEmpty }
        var q = [UInt8](repeating: 0, count: 256)
        for (open, close) in quotePairs { q[Int(open)] = close }
        self.closing = q
        self.escape = escape
        self.strip = strip
        self.greedy = greedy
        self.dropInvalid = dropInvalid
        self.null = null
    }

    /// The columns' values, and whether the field count matched the columns.
    func split(_ b: UnsafeBufferPointer<UInt8>) -> ([LogValue], Bool) {
        var values: [LogValue] = []
        values.reserveCapacity(columns)
        let n = b.count
        var i = 0
        var field: [UInt8] = []
        while values.count < columns {
            if greedy && values.count == columns - 1 {
                values.append(finish(Array(b[i..<n])))
                return (values, true)
            }
            field.removeAll(keepingCapacity: true)
            if i < n, closing[Int(b[i])] != 0 {
                let close = closing[Int(b[i])]
                i += 1
                while i < n {
                    let c = b[i]
                    if escape == .backslash && c == UInt8(ascii: "\\") && i + 1 < n {
                        field.append(b[i + 1])
                        i += 2
                        continue
                    }
                    if c == close {
                        if escape == .doubleChar && i + 1 < n && b[i + 1] == close {
                            field.append(close)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    field.append(c)
                    i += 1
                }
            }
            var delimiterLength = 0
            while i < n {
                delimiterLength = delimiter(at: i, in: b)
                if delimiterLength > 0 { break }
                field.append(b[i])
                i += 1
            }
            values.append(finish(field))
            if i >= n {
                return (values, values.count == columns)
            }
            i += delimiterLength
            // Runs of whitespace delimiters count as one (syslog-ng 3.38).
            if delimiterLength == 1, b[i - 1] == UInt8(ascii: " ") || b[i - 1] == UInt8(ascii: "\t") {
                while i < n, b[i] == b[i - 1], delimiterChars[Int(b[i])] { i += 1 }
            }
        }
        // All columns filled: more fields follow unless the input ended right here.
        return (values, false)
    }

    @inline(__always)
    private func delimiter(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        if delimiterChars[Int(b[i])] { return 1 }
        for s in delimiterStrings where i + s.count <= b.count {
            if UnsafeBufferPointer(rebasing: b[i..<(i + s.count)]).elementsEqual(s) { return s.count }
        }
        return 0
    }

    func finish(_ raw: [UInt8]) -> LogValue {
        var v = raw[...]
        if strip {
            while let f = v.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") { v = v.dropFirst() }
            while let l = v.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") { v = v.dropLast() }
        }
        if let null, v.elementsEqual(null) { return .string("") }
        return LogValue.string(bytes: v)
    }

}
