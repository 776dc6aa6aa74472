extension Parser {
    /// After `{`: one or more `expr;` (ANDed together) up to and including `}`.
    /// Returns the expression and the range of the closing brace.
    mutating func parseFilterBody() throws(ConfigError) -> (FilterExpr, SourceRange) {
        var result: FilterExpr?
        while true {
            let token = try peek()
            if token.is(.rightBrace), let result {
                try take()
                return (result, token.range)
            }
            let expr = try parseOr()
            try expect(.semicolon)
            result = result.map { .and($0, expr) } ?? expr
        }
    }

    /// `a or b or c` (lowest precedence, left associative).
    mutating func parseOr() throws(ConfigError) -> FilterExpr {
        var left = try parseAnd()
        while try isKeyword("or") {
            try take()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ConfigError) -> FilterExpr {
        var left = try parseNot()
        while try isKeyword("and") {
            try take()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(ConfigError) -> FilterExpr {
        if try isKeyword("not") {
            let keyword = try take()
            return .not(try parseNot(), keyword.range)
        }
        return try parsePrimary()
    }

    /// `name( args )` or `( expr )`.
    private mutating func parsePrimary() throws(ConfigError) -> FilterExpr {
        let token = try peek()
        if token.is(.leftParen) {
            try take()
            let expr = try parseOr()
            try expect(.rightParen)
            return expr
        }
        guard token.identifier != nil else { throw unexpected(token, expecting: "filter expression") }
        return .call(try parseOptionCall())
    }

    /// Whether the next token is the case-insensitive keyword `word`.
    private mutating func isKeyword(_ word: String) throws(ConfigError) -> Bool {
        guard let name = try peek().identifier else { return false }
        return name.lowercased() == word
    }
}
