/// Recursive-descent parser from the token stream to the ``Statement`` tree.
struct Parser {
    static let statementKeywords = ["options", "source", "destination", "filter", "parser", "rewrite", "template",
                                     "template-function", "log"]

    var stream: TokenStream
    /// Keywords of raw blocks plugins registered (`python`).
    let rawBlockKeywords: Set<String>
    private var lookahead: [Token] = []

    init(stream: TokenStream, rawBlockKeywords: Set<String> = []) {
        self.stream = stream
        self.rawBlockKeywords = rawBlockKeywords
    }

    /// The keywords a top-level statement may start with, for errors.
    var topLevelKeywords: String {
        (Parser.statementKeywords + rawBlockKeywords.sorted()).joined(separator: ", ")
    }

    // MARK: Token access

    /// The token `offset` positions ahead (0: the next one), without consuming it.
    mutating func peek(_ offset: Int = 0) throws(ConfigError) -> Token {
        while lookahead.count <= offset {
            lookahead.append(try stream.next())
        }
        return lookahead[offset]
    }

    /// Consumes and returns the next token.
    @discardableResult
    mutating func take() throws(ConfigError) -> Token {
        let token = try peek()
        lookahead.removeFirst()
        return token
    }

    /// Consumes the punctuation `punct` or fails with `expecting 'punct'`.
    @discardableResult
    mutating func expect(_ punct: Punct) throws(ConfigError) -> Token {
        let token = try peek()
        guard token.is(punct) else { throw unexpected(token, expecting: "'\(punct.rawValue)'") }
        return try take()
    }

    /// `syntax error, unexpected <token>, expecting <what>` at the token.
    func unexpected(_ token: Token, expecting: String) -> ConfigError {
        stream.state.error("syntax error, unexpected \(token), expecting \(expecting)", at: token.range)
    }

    // MARK: Top level

    /// Parses statements up to the end of the main file.
    mutating func parseFile() throws(ConfigError) -> [Statement] {
        var statements: [Statement] = []
        while true {
            let token = try peek()
            if token.kind == .endOfFile { return statements }
            if token.is(.semicolon) {
                try take()
                continue
            }
            statements.append(try parseStatement())
        }
    }

    private mutating func parseStatement() throws(ConfigError) -> Statement {
        let keyword = try peek()
        guard let word = keyword.identifier else {
            throw unexpected(keyword, expecting: "one of: \(topLevelKeywords)")
        }
        let statement: Statement
        switch foldName(word) {
        case "options":
            try take()
            let (items, close) = try parseOptionBlock()
            statement = .options(items, SourceRange(from: keyword.range, to: close))
        case "source", "destination", "parser", "rewrite":
            try take()
            let (name, _) = try parseName()
            let (drivers, close) = try parseOptionBlock()
            let range = SourceRange(from: keyword.range, to: close)
            switch foldName(word) {
            case "source": statement = .source(name: name, drivers: drivers, range)
            case "destination": statement = .destination(name: name, drivers: drivers, range)
            case "parser": statement = .parser(name: name, drivers: drivers, range)
            default: statement = .rewrite(name: name, drivers: drivers, range)
            }
        case "filter":
            try take()
            let (name, _) = try parseName()
            try expect(.leftBrace)
            let (expr, close) = try parseFilterBody()
            statement = .filter(name: name, expr: expr, SourceRange(from: keyword.range, to: close))
        case "template":
            try take()
            statement = try parseTemplate(keyword)
        case "template-function":
            try take()
            let (name, _) = try parseName()
            let body = try peek()
            guard case .string(let text) = body.kind else { throw unexpected(body, expecting: "template string") }
            try take()
            statement = .templateFunction(name: name, text: text, SourceRange(from: keyword.range, to: body.range))
        case "log":
            try take()
            statement = .log(try parseLogBlock(keyword))
        case let raw where rawBlockKeywords.contains(raw):
            try take()
            let (code, close) = try stream.rawBlock()
            statement = .rawBlock(keyword: raw, code: code, SourceRange(from: keyword.range, to: close))
        default:
            throw unexpected(keyword, expecting: "one of: \(topLevelKeywords)")
        }
        try expect(.semicolon)
        return statement
    }

    /// `template NAME { options };` or `template NAME "text";` (the `;` left to the caller).
    private mutating func parseTemplate(_ keyword: Token) throws(ConfigError) -> Statement {
        let (name, _) = try parseName()
        let next = try peek()
        if case .string(let text) = next.kind {
            try take()
            let option = OptionNode(name: "template", rawName: "template",
                                    arguments: [.value(.string(text), next.range)], range: next.range)
            return .template(name: name, options: [option], SourceRange(from: keyword.range, to: next.range))
        }
        guard next.is(.leftBrace) else { throw unexpected(next, expecting: "'{' or string") }
        let (options, close) = try parseOptionBlock()
        return .template(name: name, options: options, SourceRange(from: keyword.range, to: close))
    }

    /// An object name: an identifier or a quoted string.
    mutating func parseName() throws(ConfigError) -> (String, SourceRange) {
        let token = try peek()
        switch token.kind {
        case .identifier(let name), .string(let name):
            try take()
            return (name, token.range)
        default:
            throw unexpected(token, expecting: "identifier or string")
        }
    }

    /// `{ name(args); name(args); … }`: returns the items and the range of the closing brace.
    mutating func parseOptionBlock() throws(ConfigError) -> ([OptionNode], SourceRange) {
        try expect(.leftBrace)
        var items: [OptionNode] = []
        while true {
            let token = try peek()
            if token.is(.rightBrace) {
                try take()
                return (items, token.range)
            }
            guard token.identifier != nil else { throw unexpected(token, expecting: "identifier or '}'") }
            items.append(try parseOptionCall())
            try expect(.semicolon)
        }
    }
}
