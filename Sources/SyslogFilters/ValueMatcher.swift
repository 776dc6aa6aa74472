/// How a regexp-style filter function (`program()`, `host()`, `message()`, `match()`)
/// compares its pattern with a value, chosen by `type()`.
enum ValueMatcher: Sendable {
    /// `type("pcre")` (the default).
    case pcre(PCRERegex)
    /// `type("string")`: exact, prefix or substring comparison.
    case string(StringMatcher)
    /// `type("glob")`: `*` and `?` wildcards over the whole value.
    case glob(GlobMatcher)
    /// A pcre with `flags(store-matches)`: a match stores its groups in the message.
    case pcreStoring(PCRERegex)

    @inline(__always)
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .pcre(let re), .pcreStoring(let re): return re.matches(bytes)
        case .string(let s): return s.matches(bytes)
        case .glob(let g): return g.matches(bytes)
        }
    }
}

extension ValueMatcher {
    /// Whether a match changes the message (`flags(store-matches)`).
    var storesMatches: Bool {
        if case .pcreStoring = self { return true }
        return false
    }
}
