/// The bytes of one configuration file, read one at a time, with backtick references
/// (`` `name` ``) replaced by their values as they are reached.
///
/// Substituted text is a segment pushed on top of the file's remaining bytes; its characters
/// are all located at the backtick reference.
struct CharReader {
    private struct Segment {
        var bytes: [UInt8]
        var position: Int
        var line: Int
        var column: Int
        /// For substituted text: the `` `name` `` reference it replaces.
        var reference: SourceRange?
        var depth: Int

        var exhausted: Bool { position >= bytes.count }
    }

    /// Substitutions may nest (a value referring to another name) this deep.
    static let maximumSubstitutionDepth = 64

    let file: String
    private let state: PreprocessorState
    private var segments: [Segment]
    /// Whether backtick references are replaced (off inside comments and Python literals).
    var substitutes = true
    /// The end location of the last character consumed.
    private(set) var lastEnd: SourceLocation

    init(file: String, bytes: [UInt8], state: PreprocessorState) {
        self.file = file
        self.state = state
        segments = [Segment(bytes: bytes, position: 0, line: 1, column: 1, reference: nil, depth: 0)]
        lastEnd = SourceLocation(file: file, line: 1, column: 1)
    }

    /// The location of the next character (or just past the end of the file).
    mutating func location() -> SourceLocation {
        dropExhausted()
        guard let top = segments.last else { return lastEnd }
        if let reference = top.reference { return reference.start }
        return SourceLocation(file: file, line: top.line, column: top.column)
    }

    /// The next character, substituting a backtick reference first if one starts here.
    mutating func peek() throws(ConfigError) -> UInt8? {
        while true {
            dropExhausted()
            let index = segments.count - 1
            guard index >= 0, !segments[index].exhausted else { return nil }
            let byte = segments[index].bytes[segments[index].position]
            guard byte == CharReader.backtick, substitutes,
                  let (name, close) = referenceName(in: segments[index]) else { return byte }
            try substitute(name: name, closingAt: close, segment: index)
        }
    }

    /// The character `offset` positions ahead, without substituting anything.
    func peekRaw(_ offset: Int = 0) -> UInt8? {
        var remaining = offset
        for segment in segments.reversed() {
            let available = segment.bytes.count - segment.position
            if remaining < available { return segment.bytes[segment.position + remaining] }
            remaining -= available
        }
        return nil
    }

    /// Consumes the next character.
    mutating func advance() {
        dropExhausted()
        let index = segments.count - 1
        guard index >= 0, !segments[index].exhausted else { return }
        let byte = segments[index].bytes[segments[index].position]
        segments[index].position += 1
        if let reference = segments[index].reference {
            lastEnd = SourceLocation(file: file, line: reference.endLine, column: reference.endColumn)
            return
        }
        lastEnd = SourceLocation(file: file, line: segments[index].line, column: segments[index].column)
        if byte == UInt8(ascii: "\n") {
            segments[index].line += 1
            segments[index].column = 1
        } else {
            segments[index].column += 1
        }
    }

    private mutating func dropExhausted() {
        while segments.count > 1, let top = segments.last, top.exhausted {
            segments.removeLast()
        }
    }

    /// If a well-formed `` `name` `` starts at the segment's position: the name and the index
    /// of the closing backtick.
    private func referenceName(in segment: Segment) -> (String, Int)? {
        var index = segment.position + 1
        while index < segment.bytes.count {
            let byte = segment.bytes[index]
            if byte == CharReader.backtick {
                guard index > segment.position + 1 else { return nil }
                let name = String(decoding: segment.bytes[(segment.position + 1)..<index], as: UTF8.self)
                return (name, index)
            }
            guard isNameByte(byte) else { return nil }
            index += 1
        }
        return nil
    }

    private mutating func substitute(name: String, closingAt close: Int, segment index: Int) throws(ConfigError) {
        let segment = segments[index]
        let width = close - segment.position + 1
        let reference = segment.reference ?? SourceRange(
            start: SourceLocation(file: file, line: segment.line, column: segment.column),
            endLine: segment.line, endColumn: segment.column + width - 1)
        guard segment.depth < CharReader.maximumSubstitutionDepth else {
            throw state.error("syntax error, backtick substitution of `\(name)` nested too deeply, recursive @define?",
                              at: reference)
        }
        segments[index].position = close + 1
        if segment.reference == nil {
            segments[index].column += width
        }
        let value = state.substitution(for: name, at: reference)
        segments.append(Segment(bytes: Array(value.utf8), position: 0, line: reference.start.line,
                                column: reference.start.column, reference: reference, depth: segment.depth + 1))
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    static let backtick = UInt8(ascii: "`")
}
