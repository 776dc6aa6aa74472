import Glibc

/// The token stream the parser reads: the tokens of the main file with pragmas acted upon
/// (`@version`, `@define`, `@include`, `@module`, `@requires`) and the tokens of included
/// files spliced in where they are included.
struct TokenStream {
    /// `@include` may nest this deep.
    static let maximumIncludeDepth = 32

    private struct Frame {
        var lexer: Lexer
        var depth: Int
    }

    let state: PreprocessorState
    private var frames: [Frame]

    init(file: String, bytes: [UInt8], state: PreprocessorState) {
        self.state = state
        frames = [Frame(lexer: Lexer(file: file, bytes: bytes, state: state), depth: 0)]
    }

    /// The next token of the configuration; `.endOfFile` once the main file is done.
    mutating func next() throws(ConfigError) -> Token {
        while true {
            let token = try rawNext()
            switch token.kind {
            case .endOfFile where frames.count > 1:
                frames.removeLast()
            case .pragma(let name):
                try pragma(name, token)
            default:
                return token
            }
        }
    }

    /// For `python { … }`: the raw block text of the file being read (see ``Lexer/rawBlock()``).
    mutating func rawBlock() throws(ConfigError) -> (code: String, closingBrace: SourceRange) {
        try frames[frames.count - 1].lexer.rawBlock()
    }

    private mutating func rawNext() throws(ConfigError) -> Token {
        try frames[frames.count - 1].lexer.next()
    }

    private mutating func pragma(_ name: String, _ token: Token) throws(ConfigError) {
        switch name {
        case "version":
            let colon = try rawNext()
            guard colon.is(.colon) else { throw unexpected(colon, expecting: "':'") }
            let value = try rawNext()
            guard value.scalarValue != nil else { throw unexpected(value, expecting: "version number") }
            if state.version == nil { state.version = value.text }
        case "define":
            let key = try rawNext()
            guard key.identifier != nil || isString(key) else {
                throw unexpected(key, expecting: "identifier")
            }
            let value = try rawNext()
            guard value.scalarValue != nil else { throw unexpected(value, expecting: "string") }
            state.defines[key.text] = value.text
        case "include":
            let path = try rawNext()
            guard path.identifier != nil || isString(path) else { throw unexpected(path, expecting: "string") }
            try include(path.text, at: SourceRange(from: token.range, to: path.range))
        case "module", "requires":
            frames[frames.count - 1].lexer.skipRestOfLine()
        default:
            throw state.error("syntax error, unknown pragma '@\(name)'", at: token.range)
        }
    }

    private func isString(_ token: Token) -> Bool {
        if case .string = token.kind { return true }
        return false
    }

    private func unexpected(_ token: Token, expecting: String) -> ConfigError {
        state.error("syntax error, unexpected \(token), expecting \(expecting)", at: token.range)
    }

    /// Acts on `@include "path"`: a file, every regular file of a directory, or every match of
    /// a glob, relative to the including file's directory.
    private mutating func include(_ path: String, at range: SourceRange) throws(ConfigError) {
        let current = frames[frames.count - 1]
        let resolved = FileSystem.resolve(path, relativeTo: FileSystem.directory(of: current.lexer.file))
        var paths: [String] = []
        switch FileSystem.kind(of: resolved) {
        case .success(.directory):
            paths = try filesOfDirectory(resolved, writtenAs: path, at: range)
        case .success:
            paths = [resolved]
        case .failure(let failure):
            guard FileSystem.isPattern(resolved) else { throw notFound(path, failure.text, at: range) }
            for match in FileSystem.glob(resolved) {
                if case .success(.directory) = FileSystem.kind(of: match) {
                    paths += try filesOfDirectory(match, writtenAs: path, at: range)
                } else {
                    paths.append(match)
                }
            }
            if paths.isEmpty { throw notFound(path, FileSystem.errorText(ENOENT), at: range) }
        }
        let depth = current.depth + 1
        guard depth <= TokenStream.maximumIncludeDepth else {
            throw state.error("Include nesting too deep (maximum \(TokenStream.maximumIncludeDepth) levels), "
                              + "filename='\(path)'", at: range)
        }
        var included: [Frame] = []
        for file in paths {
            switch FileSystem.read(file) {
            case .success(let bytes):
                state.register(path: file, text: String(decoding: bytes, as: UTF8.self))
                included.append(Frame(lexer: Lexer(file: file, bytes: bytes, state: state), depth: depth))
            case .failure(let failure):
                throw state.error("Error opening configuration file, filename='\(file)', error='\(failure.text)'",
                                  at: range)
            }
        }
        frames += included.reversed()
    }

    private func filesOfDirectory(_ directory: String, writtenAs path: String,
                                  at range: SourceRange) throws(ConfigError) -> [String] {
        switch FileSystem.regularFiles(in: directory) {
        case .success(let files): return files
        case .failure(let failure): throw notFound(path, failure.text, at: range)
        }
    }

    private func notFound(_ path: String, _ reason: String, at range: SourceRange) -> ConfigError {
        state.error("Include file/directory not found, filename='\(path)', error='\(reason)'", at: range)
    }
}
