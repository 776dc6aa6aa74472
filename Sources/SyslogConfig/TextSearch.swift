/// Substring search and replacement on UTF-8, written out here: the standard library's
/// `contains(_:)`, `firstRange(of:)` and `replacing(_:with:)` for strings live in
/// `_StringProcessing`, whose Regex engine (about 800 KB of code) then comes along into the
/// daemon's binary and its resident memory.
extension StringProtocol {
    /// The range of the first occurrence of `needle` (byte-wise), nil when there is none.
    public func firstOccurrence(of needle: String) -> Range<String.Index>? {
        let hay = Array(utf8)
        let n = Array(needle.utf8)
        guard !n.isEmpty, n.count <= hay.count else { return n.isEmpty ? startIndex..<startIndex : nil }
        var i = 0
        while i + n.count <= hay.count {
            if hay[i] == n[0] && hay[i..<(i + n.count)].elementsEqual(n) {
                let lower = utf8.index(utf8.startIndex, offsetBy: i)
                let upper = utf8.index(lower, offsetBy: n.count)
                return lower..<upper
            }
            i += 1
        }
        return nil
    }

    /// Whether `needle` occurs (byte-wise).
    public func hasOccurrence(of needle: String) -> Bool { firstOccurrence(of: needle) != nil }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`, left to right.
    public func substituting(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.firstOccurrence(of: target) {
            out += rest[rest.startIndex..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
