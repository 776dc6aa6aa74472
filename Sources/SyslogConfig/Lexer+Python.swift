extension Lexer {
    /// Reads a `{ … }` block without lexing it (for `python { … };`): returns the text between
    /// the braces as written and the range of the closing brace. Braces inside Python string
    /// literals (`'…'`, `"…"`, `'''…'''`, `"""…"""`) and `#` comments do not count; backtick
    /// references are substituted outside those.
    mutating func rawBlock() throws(ConfigError) -> (code: String, closingBrace: SourceRange) {
        try skipTrivia()
        guard try reader.peek() == UInt8(ascii: "{") else {
            let token = try next()
            throw state.error("syntax error, unexpected \(token), expecting '{'", at: token.range)
        }
        let open = reader.location()
        reader.advance()
        var code: [UInt8] = []
        var depth = 1
        while true {
            guard let byte = try reader.peek() else {
                throw state.error("syntax error, unterminated python block", at: SourceRange(open))
            }
            switch byte {
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    reader.advance()
                    return (String(decoding: code, as: UTF8.self), SourceRange(reader.lastEnd))
                }
            case UInt8(ascii: "#"):
                copyComment(into: &code)
                continue
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                copyPythonString(quote: byte, into: &code)
                continue
            default:
                break
            }
            code.append(byte)
            reader.advance()
        }
    }

    private mutating func copyRaw(into code: inout [UInt8]) {
        guard let byte = reader.peekRaw() else { return }
        code.append(byte)
        reader.advance()
    }

    private mutating func copyComment(into code: inout [UInt8]) {
        reader.substitutes = false
        defer { reader.substitutes = true }
        while let byte = reader.peekRaw(), byte != UInt8(ascii: "\n") {
            code.append(byte)
            reader.advance()
        }
    }

    /// Copies a Python string literal, honouring backslash escapes; a one-quote literal ends at
    /// the end of its line at the latest.
    private mutating func copyPythonString(quote: UInt8, into code: inout [UInt8]) {
        reader.substitutes = false
        defer { reader.substitutes = true }
        let triple = reader.peekRaw(1) == quote && reader.peekRaw(2) == quote
        for _ in 0..<(triple ? 3 : 1) { copyRaw(into: &code) }
        while let byte = reader.peekRaw() {
            if byte == UInt8(ascii: "\\") {
                copyRaw(into: &code)
                copyRaw(into: &code)
                continue
            }
            if byte == quote {
                if !triple {
                    copyRaw(into: &code)
                    return
                }
                if reader.peekRaw(1) == quote && reader.peekRaw(2) == quote {
                    for _ in 0..<3 { copyRaw(into: &code) }
                    return
                }
            }
            if !triple && byte == UInt8(ascii: "\n") { return }
            copyRaw(into: &code)
        }
    }
}
