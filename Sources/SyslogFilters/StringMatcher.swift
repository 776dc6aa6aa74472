/// `type("string")` matching, as syslog-ng does it: the whole value must equal the pattern,
/// unless `flags(prefix)` (value starts with it) or `flags(substring)` (value contains it).
/// `flags(ignore-case)` folds ASCII letters.
struct StringMatcher: Sendable {
    enum Mode: Sendable {
        case exact, prefix, substring
    }

    let pattern: [UInt8]
    let mode: Mode
    let ignoreCase: Bool

    init(pattern: String, mode: Mode, ignoreCase: Bool) {
        let bytes = Array(pattern.utf8)
        self.pattern = ignoreCase ? bytes.map(StringMatcher.fold) : bytes
        self.mode = mode
        self.ignoreCase = ignoreCase
    }

    @inline(__always)
    static func fold(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
    }

    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        switch mode {
        case .exact:
            return value.count == pattern.count && equalAt(value, 0)
        case .prefix:
            return value.count >= pattern.count && equalAt(value, 0)
        case .substring:
            if pattern.isEmpty { return true }
            if value.count < pattern.count { return false }
            for start in 0...(value.count - pattern.count) where equalAt(value, start) {
                return true
            }
            return false
        }
    }

    /// Whether `pattern` occurs in `value` at `start` (caller checked the length).
    @inline(__always)
    private func equalAt(_ value: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var i = 0
        let n = pattern.count
        if ignoreCase {
            while i < n {
                if StringMatcher.fold(value[start + i]) != pattern[i] { return false }
                i += 1
            }
        } else {
            while i < n {
                if value[start + i] != pattern[i] { return false }
                i += 1
            }
        }
        return true
    }
}
