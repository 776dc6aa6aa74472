extension Parser {
    static let logItemKeywords = "source, filter, parser, rewrite, destination, log, flags, '}'"

    /// After the `log` keyword: `{ items }` (the `;` after it left to the caller).
    mutating func parseLogBlock(_ keyword: Token) throws(ConfigError) -> LogStatement {
        try expect(.leftBrace)
        var items: [LogItem] = []
        var flags: [String] = []
        while true {
            let token = try peek()
            if token.is(.rightBrace) {
                try take()
                return LogStatement(items: items, flags: flags, range: SourceRange(from: keyword.range, to: token.range))
            }
            guard let word = token.identifier else {
                throw unexpected(token, expecting: "one of: \(Parser.logItemKeywords)")
            }
            switch foldName(word) {
            case "source", "filter", "parser", "rewrite", "destination":
                try take()
                items.append(try parseLogReference(foldName(word), keyword: token))
            case "log":
                try take()
                items.append(.log(try parseLogBlock(token)))
            case "flags":
                try take()
                flags += try parseFlags()
            default:
                throw unexpected(token, expecting: "one of: \(Parser.logItemKeywords)")
            }
            try expect(.semicolon)
        }
    }

    /// After `source`/`filter`/…: `(NAME)` or an inline `{ … }` block.
    private mutating func parseLogReference(_ kind: String, keyword: Token) throws(ConfigError) -> LogItem {
        let next = try peek()
        if next.is(.leftParen) {
            try take()
            let (name, _) = try parseName()
            let close = try expect(.rightParen)
            let range = SourceRange(from: keyword.range, to: close.range)
            switch kind {
            case "source": return .sourceRef(name, range)
            case "filter": return .filterRef(name, range)
            case "parser": return .parserRef(name, range)
            case "rewrite": return .rewriteRef(name, range)
            default: return .destinationRef(name, range)
            }
        }
        guard next.is(.leftBrace) else { throw unexpected(next, expecting: "'(' or '{'") }
        if kind == "filter" {
            try take()
            let (expr, close) = try parseFilterBody()
            return .filterInline(expr, SourceRange(from: keyword.range, to: close))
        }
        let (drivers, close) = try parseOptionBlock()
        let range = SourceRange(from: keyword.range, to: close)
        switch kind {
        case "source": return .sourceInline(drivers, range)
        case "parser": return .parserInline(drivers, range)
        case "rewrite": return .rewriteInline(drivers, range)
        default: return .destinationInline(drivers, range)
        }
    }

    /// `(flag, flag flag)`: names folded `_` → `-`.
    private mutating func parseFlags() throws(ConfigError) -> [String] {
        try expect(.leftParen)
        var flags: [String] = []
        while true {
            let token = try take()
            if token.is(.rightParen) { return flags }
            if token.is(.comma) { continue }
            guard let name = token.identifier else { throw unexpected(token, expecting: "flag name or ')'") }
            flags.append(foldName(name))
        }
    }
}
