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
        if let lhs = Parser.comparable(token) {
            let op = try peek(1)
            if let opText = Parser.comparison(op) {
                try take()
                try take()
                let right = try peek()
                guard let rhs = Parser.comparable(right) else { throw unexpected(right, expecting: "value to compare with") }
                try take()
                return .compare(lhs, opText, rhs, SourceRange(from: token.range, to: right.range))
            }
        }
        guard token.identifier != nil else { throw unexpected(token, expecting: "filter expression") }
        return .call(try parseOptionCall())
    }

    /// A side of a comparison: a string or a number (its text).
    static func comparable(_ t: Token) -> String? {
        switch t.kind {
        case .string(let s): return s
        case .number, .float: return t.text
        default: return nil
        }
    }

    /// The comparison operator `t` is, if any.
    static func comparison(_ t: Token) -> String? {
        switch t.kind {
        case .punct(let p) where [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(p): return p.rawValue
        case .identifier(let w) where ["eq", "ne", "lt", "le", "gt", "ge"].contains(w.lowercased()): return w.lowercased()
        default: return nil
        }
    }

    /// Whether the next token is the case-insensitive keyword `word`.
    private mutating func isKeyword(_ word: String) throws(ConfigError) -> Bool {
        guard let name = try peek().identifier else { return false }
        return name.lowercased() == word
    }
}
