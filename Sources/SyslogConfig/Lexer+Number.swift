extension Lexer {
    /// Lexes `-12`, `0x1F`, `1.5`, `-0.25`, `10K`, `5MiB`, `2Gb`… starting at a digit or at a
    /// `-` followed by a digit.
    mutating func lexNumber(start: SourceLocation) throws(ConfigError) -> Token {
        var text: [UInt8] = []
        var negative = false
        if try reader.peek() == UInt8(ascii: "-") {
            negative = true
            text.append(UInt8(ascii: "-"))
            reader.advance()
        }
        if try reader.peek() == UInt8(ascii: "0"),
           let x = reader.peekRaw(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X"),
           reader.peekRaw(2).flatMap(Lexer.hexValue) != nil {
            return try lexHex(start: start, negative: negative)
        }
        var digits: [UInt8] = []
        while let byte = try reader.peek(), Lexer.isDigit(byte) {
            digits.append(byte)
            reader.advance()
        }
        text += digits
        if try reader.peek() == UInt8(ascii: "."), reader.peekRaw(1).map(Lexer.isDigit) == true {
            text.append(UInt8(ascii: "."))
            reader.advance()
            while let byte = try reader.peek(), Lexer.isDigit(byte) {
                text.append(byte)
                reader.advance()
            }
            try rejectTrailingWord(text, start: start)
            let written = String(decoding: text, as: UTF8.self)
            guard let value = Double(written) else { throw invalidNumber(written, start: start) }
            return Token(kind: .float(value), text: written, range: tokenRange(from: start))
        }
        let decimal = String(decoding: (negative ? [UInt8(ascii: "-")] : []) + digits, as: UTF8.self)
        let multiplier = try lexSizeSuffix(into: &text)
        try rejectTrailingWord(text, start: start)
        let written = String(decoding: text, as: UTF8.self)
        // A leading zero means octal, as in syslog-ng (`perm(0644)`).
        let isOctal = digits.count > 1 && digits.first == UInt8(ascii: "0")
        guard let base = isOctal ? Int64(decimal, radix: 8) : Int64(decimal) else {
            throw isOctal ? invalidNumber(written, start: start) : outOfRange(written, start: start)
        }
        let (value, overflow) = base.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw outOfRange(written, start: start) }
        return Token(kind: .number(value), text: written, range: tokenRange(from: start))
    }

    private mutating func lexHex(start: SourceLocation, negative: Bool) throws(ConfigError) -> Token {
        var text: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        for _ in 0..<2 {
            if let byte = try reader.peek() { text.append(byte) }
            reader.advance()
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while let byte = try reader.peek(), let digit = Lexer.hexValue(byte) {
            text.append(byte)
            reader.advance()
            let (shifted, overMultiply) = magnitude.multipliedReportingOverflow(by: 16)
            let (sum, overAdd) = shifted.addingReportingOverflow(UInt64(digit))
            overflow = overflow || overMultiply || overAdd
            magnitude = sum
        }
        try rejectTrailingWord(text, start: start)
        let written = String(decoding: text, as: UTF8.self)
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard !overflow, magnitude <= limit else { throw outOfRange(written, start: start) }
        let value = negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
        return Token(kind: .number(value), text: written, range: tokenRange(from: start))
    }

    /// `K`/`M`/`G` (×1000ⁿ), with `i` (×1024ⁿ), then an optional `B`; or a lone `B`.
    private mutating func lexSizeSuffix(into text: inout [UInt8]) throws(ConfigError) -> Int64 {
        guard let byte = try reader.peek() else { return 1 }
        let exponent: Int
        switch byte | 0x20 {
        case UInt8(ascii: "k"): exponent = 1
        case UInt8(ascii: "m"): exponent = 2
        case UInt8(ascii: "g"): exponent = 3
        case UInt8(ascii: "b"):
            text.append(byte)
            reader.advance()
            return 1
        default: return 1
        }
        text.append(byte)
        reader.advance()
        var base: Int64 = 1000
        if let next = try reader.peek(), next | 0x20 == UInt8(ascii: "i") {
            base = 1024
            text.append(next)
            reader.advance()
        }
        if let next = try reader.peek(), next | 0x20 == UInt8(ascii: "b") {
            text.append(next)
            reader.advance()
        }
        var multiplier: Int64 = 1
        for _ in 0..<exponent { multiplier *= base }
        return multiplier
    }

    /// A number glued to a word (`10s`, `1.5x`) is an error rather than two tokens.
    private mutating func rejectTrailingWord(_ text: [UInt8], start: SourceLocation) throws(ConfigError) {
        guard let byte = try reader.peek(), Lexer.isWordByte(byte) else { return }
        var written = text
        while let next = try reader.peek(), Lexer.isWordByte(next) {
            written.append(next)
            reader.advance()
        }
        throw invalidNumber(String(decoding: written, as: UTF8.self), start: start)
    }

    private func invalidNumber(_ written: String, start: SourceLocation) -> ConfigError {
        state.error("syntax error, invalid number '\(written)'", at: tokenRange(from: start))
    }

    private func outOfRange(_ written: String, start: SourceLocation) -> ConfigError {
        state.error("syntax error, number out of range '\(written)'", at: tokenRange(from: start))
    }

    func tokenRange(from start: SourceLocation) -> SourceRange {
        SourceRange(start: start, endLine: reader.lastEnd.line, endColumn: reader.lastEnd.column)
    }
}
