extension Parser {
    /// `name( arguments )`, the name an identifier (folded `_` → `-` in ``OptionNode/name``).
    mutating func parseOptionCall() throws(ConfigError) -> OptionNode {
        let nameToken = try take()
        guard let rawName = nameToken.identifier else { throw unexpected(nameToken, expecting: "identifier") }
        try expect(.leftParen)
        var arguments: [ConfigArgument] = []
        if foldName(rawName) == "condition" {
            // `condition(FILTER EXPRESSION)` of a rewrite rule.
            let start = try peek()
            let expr = try parseOr()
            let close = try peek()
            try expect(.rightParen)
            return OptionNode(name: "condition", rawName: rawName, arguments: [.filter(expr, SourceRange(from: start.range, to: close.range))],
                              range: nameToken.range)
        }
        while true {
            let token = try peek()
            if token.is(.rightParen) {
                try take()
                break
            }
            if token.is(.comma) {
                try take()
                continue
            }
            arguments.append(try parseArgument(allowKeyValue: true, closing: .rightParen))
        }
        return OptionNode(name: foldName(rawName), rawName: rawName, arguments: arguments, range: nameToken.range)
    }

    /// One argument: a scalar, `ident(…)`, `key => value`, `[list]` or `low..high`.
    private mutating func parseArgument(allowKeyValue: Bool, closing: Punct) throws(ConfigError) -> ConfigArgument {
        let token = try peek()
        if token.is(.leftBracket) { return try parseList() }
        guard let value = token.scalarValue else {
            throw unexpected(token, expecting: "'\(closing.rawValue)'")
        }
        let next = try peek(1)
        if token.identifier != nil, next.is(.leftParen) {
            return .option(try parseOptionCall())
        }
        if next.is(.dotDot) {
            try take()
            try take()
            let high = try peek()
            guard let highValue = high.scalarValue else { throw unexpected(high, expecting: "value") }
            try take()
            return .range(value, highValue, SourceRange(from: token.range, to: high.range))
        }
        if allowKeyValue, next.is(.arrow) {
            try take()
            try take()
            let inner = try peek()
            guard inner.scalarValue != nil || inner.is(.leftBracket) else { throw unexpected(inner, expecting: "value") }
            let argument = try parseArgument(allowKeyValue: false, closing: closing)
            return .keyValue(key: token.text, value: argument, SourceRange(from: token.range, to: argument.range))
        }
        try take()
        return .value(value, token.range)
    }

    /// `[ element, element … ]`.
    private mutating func parseList() throws(ConfigError) -> ConfigArgument {
        let open = try take()
        var elements: [ConfigArgument] = []
        while true {
            let token = try peek()
            if token.is(.rightBracket) {
                try take()
                return .list(elements, SourceRange(from: open.range, to: token.range))
            }
            if token.is(.comma) {
                try take()
                continue
            }
            elements.append(try parseArgument(allowKeyValue: true, closing: .rightBracket))
        }
    }
}
