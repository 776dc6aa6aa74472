/// A shell-style glob with `*` (any run of bytes, dots included) and `?` (any one character).
package struct Glob: Sendable, Equatable {
    let pattern: [UInt8]

    package init(_ text: String) {
        pattern = Array(text.utf8)
    }

    package func matches(_ name: String) -> Bool {
        var m = false
        var copy = name
        copy.withUTF8 { m = Glob.match(pattern[...], $0) }
        return m
    }

    /// Iterative matching with single-star backtracking; `?` consumes one UTF-8 character.
    static func match(_ p: ArraySlice<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var pi = p.startIndex
        var si = 0
        var starP = -1
        var starS = 0
        while si < s.count {
            if pi < p.endIndex && p[pi] == UInt8(ascii: "?") {
                pi += 1
                si = nextCharacter(s, si)
            } else if pi < p.endIndex && p[pi] == UInt8(ascii: "*") {
                starP = pi
                pi += 1
                starS = si
            } else if pi < p.endIndex && p[pi] == s[si] {
                pi += 1
                si += 1
            } else if starP >= 0 {
                pi = starP + 1
                starS = nextCharacter(s, starS)
                si = starS
            } else {
                return false
            }
        }
        while pi < p.endIndex && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.endIndex
    }

    private static func nextCharacter(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < s.count && s[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }
}
