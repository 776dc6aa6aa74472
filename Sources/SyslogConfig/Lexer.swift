/// Splits one configuration file into tokens. Pragmas come out as `.pragma` tokens for the
/// ``TokenStream`` to act on; backtick references are substituted by the ``CharReader``.
struct Lexer {
    var reader: CharReader
    let state: PreprocessorState

    init(file: String, bytes: [UInt8], state: PreprocessorState) {
        reader = CharReader(file: file, bytes: bytes, state: state)
        self.state = state
    }

    var file: String { reader.file }

    /// The next token; `.endOfFile` (repeatedly) at the end.
    mutating func next() throws(ConfigError) -> Token {
        try skipTrivia()
        let start = reader.location()
        guard let byte = try reader.peek() else {
            return Token(kind: .endOfFile, text: "", range: SourceRange(start))
        }
        switch byte {
        case UInt8(ascii: "\""):
            return try lexDoubleQuoted(start: start)
        case UInt8(ascii: "'"):
            return try lexSingleQuoted(start: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try lexNumber(start: start)
        case UInt8(ascii: "-") where reader.peekRaw(1).map(Lexer.isDigit) == true:
            return try lexNumber(start: start)
        case UInt8(ascii: "@"):
            return try lexPragma(start: start)
        default:
            if Lexer.isIdentifierStart(byte) { return try lexIdentifier(start: start) }
            return try lexPunctuation(byte, start: start)
        }
    }

    /// Skips the rest of the current line (for `@module`/`@requires` arguments).
    mutating func skipRestOfLine() {
        reader.substitutes = false
        defer { reader.substitutes = true }
        while let byte = reader.peekRaw(), byte != UInt8(ascii: "\n") {
            reader.advance()
        }
    }

    /// Skips whitespace and `#` comments.
    mutating func skipTrivia() throws(ConfigError) {
        while let byte = try reader.peek() {
            if Lexer.isSpace(byte) {
                reader.advance()
            } else if byte == UInt8(ascii: "#") {
                skipRestOfLine()
            } else {
                return
            }
        }
    }

    private mutating func lexDoubleQuoted(start: SourceLocation) throws(ConfigError) -> Token {
        reader.advance()
        var value: [UInt8] = []
        while true {
            guard let byte = try reader.peek() else { throw unterminated(start) }
            reader.advance()
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                value.append(byte)
                continue
            }
            guard let escaped = reader.peekRaw() else { throw unterminated(start) }
            reader.advance()
            switch escaped {
            case UInt8(ascii: "n"): value.append(0x0A)
            case UInt8(ascii: "t"): value.append(0x09)
            case UInt8(ascii: "r"): value.append(0x0D)
            case UInt8(ascii: "a"): value.append(0x07)
            case UInt8(ascii: "x"):
                if let high = try reader.peek().flatMap(Lexer.hexValue),
                   let low = reader.peekRaw(1).flatMap(Lexer.hexValue) {
                    reader.advance()
                    reader.advance()
                    value.append(high << 4 | low)
                } else {
                    value.append(escaped)
                }
            default: value.append(escaped)
            }
        }
        let text = String(decoding: value, as: UTF8.self)
        return Token(kind: .string(text), text: text, range: tokenRange(from: start))
    }

    private mutating func lexSingleQuoted(start: SourceLocation) throws(ConfigError) -> Token {
        reader.advance()
        var value: [UInt8] = []
        while true {
            guard let byte = try reader.peek() else { throw unterminated(start) }
            reader.advance()
            if byte == UInt8(ascii: "'") { break }
            value.append(byte)
        }
        let text = String(decoding: value, as: UTF8.self)
        return Token(kind: .string(text), text: text, range: tokenRange(from: start))
    }

    private func unterminated(_ start: SourceLocation) -> ConfigError {
        state.error("syntax error, unterminated string literal", at: SourceRange(start))
    }

    private mutating func lexIdentifier(start: SourceLocation) throws(ConfigError) -> Token {
        var name: [UInt8] = []
        while let byte = try reader.peek() {
            if Lexer.isWordByte(byte) || byte == UInt8(ascii: "-") {
                name.append(byte)
            } else if byte == UInt8(ascii: "."), reader.peekRaw(1).map(Lexer.isWordByte) == true {
                name.append(byte)
            } else {
                break
            }
            reader.advance()
        }
        let text = String(decoding: name, as: UTF8.self)
        return Token(kind: .identifier(text), text: text, range: tokenRange(from: start))
    }

    private mutating func lexPragma(start: SourceLocation) throws(ConfigError) -> Token {
        reader.advance()
        var name: [UInt8] = []
        while let byte = try reader.peek(), Lexer.isWordByte(byte) || byte == UInt8(ascii: "-") {
            name.append(byte)
            reader.advance()
        }
        let text = String(decoding: name, as: UTF8.self)
        guard !text.isEmpty else {
            throw state.error("syntax error, unexpected character '@'", at: tokenRange(from: start))
        }
        return Token(kind: .pragma(text), text: "@" + text, range: tokenRange(from: start))
    }

    private mutating func lexPunctuation(_ byte: UInt8, start: SourceLocation) throws(ConfigError) -> Token {
        let single: [UInt8: Punct] = [
            UInt8(ascii: "("): .leftParen, UInt8(ascii: ")"): .rightParen,
            UInt8(ascii: "{"): .leftBrace, UInt8(ascii: "}"): .rightBrace,
            UInt8(ascii: "["): .leftBracket, UInt8(ascii: "]"): .rightBracket,
            UInt8(ascii: ";"): .semicolon, UInt8(ascii: ","): .comma, UInt8(ascii: ":"): .colon,
        ]
        var punct = single[byte]
        if byte == UInt8(ascii: "="), reader.peekRaw(1) == UInt8(ascii: ">") {
            punct = .arrow
            reader.advance()
        } else if byte == UInt8(ascii: "."), reader.peekRaw(1) == UInt8(ascii: ".") {
            punct = .dotDot
            reader.advance()
        } else if byte == UInt8(ascii: "=") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") {
            let twoChar = reader.peekRaw(1) == UInt8(ascii: "=")
            switch byte {
            case UInt8(ascii: "="): punct = twoChar ? .equal : nil
            case UInt8(ascii: "!"): punct = twoChar ? .notEqual : nil
            case UInt8(ascii: "<"): punct = twoChar ? .lessEqual : .less
            default: punct = twoChar ? .greaterEqual : .greater
            }
            if twoChar && punct != nil { reader.advance() }
        }
        reader.advance()
        guard let punct else {
            throw state.error("syntax error, unexpected character \(Lexer.quoteCharacter(byte))", at: tokenRange(from: start))
        }
        return Token(kind: .punct(punct), text: punct.rawValue, range: tokenRange(from: start))
    }

    static func quoteCharacter(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = String(byte, radix: 16, uppercase: true)
        return "'\\x" + (digits.count < 2 ? "0" + digits : digits) + "'"
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        isLetter(byte) || byte == UInt8(ascii: "_")
    }

    /// Letters, digits and `_`.
    static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_")
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
