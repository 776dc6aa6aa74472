// Built alone with SyslogMessage's sources by scripts/fuzz-scanners.sh.
#if canImport(SyslogMessage)
import SyslogMessage
#endif

/// Reads a time stamp by a strptime-style format (see ``DateParser``): `%Y %y %m %d %e %H %I %p
/// %M %S %f %z %Z %b %B %h %a %A %j %s %T %F %D %R %n %t %%`; other characters must match as
/// written (a space matches any run of spaces).
struct DateScanner: Sendable {
    let format: [UInt8]

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                             "september", "october", "november", "december"]
    static let dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    init(_ format: String) {
        // Composite directives spelled out once.
        var f = format
        for (short, long) in [("%T", "%H:%M:%S"), ("%F", "%Y-%m-%d"), ("%D", "%m/%d/%y"), ("%R", "%H:%M")] {
            f = f.replacingAll(short, with: long)
        }
        self.format = Array(f.utf8)
    }

    struct Fields {
        var year: Int?
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var micro: Int32 = 0
        var pm: Bool?
        var offset: Int32?
        var epoch: Int64?
        var dayOfYear: Int?
    }

    /// The fields of `b` read by the format, nil when it does not match all of `b`
    /// (trailing spaces allowed).
    func scan(_ b: UnsafeBufferPointer<UInt8>) -> Fields? {
        var f = Fields()
        var i = 0
        var k = 0
        let n = b.count
        func number(_ maxDigits: Int, allowSpace: Bool = false) -> Int? {
            if allowSpace { while i < n, b[i] == 0x20 { i += 1 } }
            var v = 0
            var digits = 0
            while i < n, digits < maxDigits, b[i] >= 0x30, b[i] <= 0x39 {
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
                digits += 1
            }
            return digits > 0 ? v : nil
        }
        func name(_ short: [String], _ long: [String]) -> Int? {
            for (idx, l) in long.enumerated() where matches(l) { return idx }
            for (idx, s) in short.enumerated() where matches(s) { return idx }
            return nil
        }
        func matches(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= n else { return false }
            for j in 0..<w.count where b[i + j] | 0x20 != w[j] { return false }
            i += w.count
            return true
        }
        while k < format.count {
            let c = format[k]
            if c == UInt8(ascii: "%"), k + 1 < format.count {
                let d = format[k + 1]
                k += 2
                switch d {
                case UInt8(ascii: "Y"):
                    var neg = false
                    if i < n, b[i] == UInt8(ascii: "-") { neg = true; i += 1 }
                    guard let y = number(4) else { return nil }
                    f.year = neg ? -y : y
                case UInt8(ascii: "y"):
                    guard let y = number(2) else { return nil }
                    f.year = y < 69 ? 2000 + y : 1900 + y
                case UInt8(ascii: "m"):
                    guard let m = number(2), m >= 1, m <= 12 else { return nil }
                    f.month = m
                case UInt8(ascii: "d"), UInt8(ascii: "e"):
                    guard let v = number(2, allowSpace: d == UInt8(ascii: "e")), v >= 1, v <= 31 else { return nil }
                    f.day = v
                case UInt8(ascii: "H"):
                    guard let v = number(2), v <= 23 else { return nil }
                    f.hour = v
                case UInt8(ascii: "I"):
                    guard let v = number(2), v >= 1, v <= 12 else { return nil }
                    f.hour = v
                case UInt8(ascii: "p"):
                    if matches("am") { f.pm = false } else if matches("pm") { f.pm = true } else { return nil }
                case UInt8(ascii: "M"):
                    guard let v = number(2), v <= 59 else { return nil }
                    f.minute = v
                case UInt8(ascii: "S"):
                    guard let v = number(2), v <= 60 else { return nil }
                    f.second = v
                case UInt8(ascii: "f"):
                    let start = i
                    var v = 0
                    while i < n, b[i] >= 0x30, b[i] <= 0x39 {
                        if i - start < 6 { v = v * 10 + Int(b[i] - 0x30) }
                        i += 1
                    }
                    guard i > start else { return nil }
                    for _ in min(6, i - start)..<6 { v *= 10 }
                    f.micro = Int32(v)
                case UInt8(ascii: "j"):
                    guard let v = number(3), v >= 1, v <= 366 else { return nil }
                    f.dayOfYear = v
                case UInt8(ascii: "s"):
                    var neg = false
                    if i < n, b[i] == UInt8(ascii: "-") { neg = true; i += 1 }
                    guard let v = number(18) else { return nil }
                    f.epoch = Int64(neg ? -v : v)
                case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"):
                    guard let m = name(DateScanner.months, DateScanner.monthNames) else { return nil }
                    f.month = m + 1
                case UInt8(ascii: "a"), UInt8(ascii: "A"):
                    guard name(DateScanner.days, DateScanner.dayNames) != nil else { return nil }
                case UInt8(ascii: "z"):
                    if i < n, b[i] == UInt8(ascii: "Z") {
                        i += 1
                        f.offset = 0
                        break
                    }
                    guard i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
                    let neg = b[i] == UInt8(ascii: "-")
                    i += 1
                    guard let hh = number(2) else { return nil }
                    if i < n, b[i] == UInt8(ascii: ":") { i += 1 }
                    let mm = number(2) ?? 0
                    let off = Int32(hh * 3600 + mm * 60)
                    f.offset = neg ? -off : off
                case UInt8(ascii: "Z"):
                    // A zone abbreviation: UTC/GMT/Z known, others skipped (the zone option decides).
                    if matches("utc") || matches("gmt") { f.offset = 0 } else if i < n, b[i] == UInt8(ascii: "Z") { i += 1; f.offset = 0 } else {
                        while i < n, (b[i] | 0x20) >= 0x61, (b[i] | 0x20) <= 0x7A { i += 1 }
                    }
                case UInt8(ascii: "n"), UInt8(ascii: "t"):
                    while i < n, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A { i += 1 }
                case UInt8(ascii: "%"):
                    guard i < n, b[i] == UInt8(ascii: "%") else { return nil }
                    i += 1
                default:
                    return nil
                }
                continue
            }
            if c == 0x20 {
                while i < n, b[i] == 0x20 { i += 1 }
                k += 1
                continue
            }
            guard i < n, b[i] == c else { return nil }
            i += 1
            k += 1
        }
        while i < n, b[i] == 0x20 { i += 1 }
        guard i == n else { return nil }
        if let pm = f.pm {
            if pm && f.hour < 12 { f.hour += 12 }
            if !pm && f.hour == 12 { f.hour = 0 }
        }
        return f
    }
}

extension String {
    /// `self` with every `target` replaced (no Foundation, no string processing library).
    func replacingAll(_ target: String, with replacement: String) -> String {
        let t = Array(target.utf8), r = Array(replacement.utf8), s = Array(utf8)
        guard !t.isEmpty else { return self }
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if i + t.count <= s.count, s[i..<(i + t.count)].elementsEqual(t) {
                out += r
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
