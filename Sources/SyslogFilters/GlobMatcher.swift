/// `type("glob")` matching: the whole value must match a pattern where `*` stands for any
/// run of characters and `?` for exactly one UTF-8 character. There is no escaping and no
/// bracket expression, and (as in syslog-ng) `ignore-case` does not apply.
struct GlobMatcher: Sendable {
    let pattern: [UInt8]

    init(pattern: String) {
        self.pattern = Array(pattern.utf8)
    }

    /// Length of the UTF-8 character starting at `i` (at least 1, clamped to the buffer).
    @inline(__always)
    private static func charLength(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = s[i]
        let n: Int
        if b < 0xC0 { n = 1 } else if b < 0xE0 { n = 2 } else if b < 0xF0 { n = 3 } else { n = 4 }
        return min(n, s.count - i)
    }

    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        let m = pattern.count
        var p = 0
        var i = 0
        var starP = -1
        var starI = 0
        while i < s.count {
            if p < m && pattern[p] == star {
                starP = p
                starI = i
                p += 1
            } else if p < m && pattern[p] == question {
                i += GlobMatcher.charLength(s, i)
                p += 1
            } else if p < m && pattern[p] == s[i] {
                p += 1
                i += 1
            } else if starP >= 0 {
                starI += GlobMatcher.charLength(s, starI)
                i = starI
                p = starP + 1
            } else {
                return false
            }
        }
        while p < m && pattern[p] == star { p += 1 }
        return p == m
    }
}
