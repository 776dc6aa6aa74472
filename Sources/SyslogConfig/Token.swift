/// A punctuation token.
enum Punct: String, Sendable, Equatable {
    case leftParen = "("
    case rightParen = ")"
    case leftBrace = "{"
    case rightBrace = "}"
    case leftBracket = "["
    case rightBracket = "]"
    case semicolon = ";"
    case comma = ","
    case colon = ":"
    case arrow = "=>"
    case dotDot = ".."
    // Comparisons in filter expressions: `"$PID" == "1"`.
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}

/// One lexical token of the configuration language.
struct Token: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A quoted string, escapes processed.
        case string(String)
        case number(Int64)
        case float(Double)
        case punct(Punct)
        /// `@name` at the start of a pragma (`@version`, `@define`, `@include`…).
        case pragma(String)
        case endOfFile
    }

    var kind: Kind
    /// The text as written (after backtick substitution); for strings, the processed content.
    var text: String
    var range: SourceRange

    /// How syntax errors name the token: `identifier 'x'`, `string "x"`, `number 5`, `'{'`, `end of file`.
    var description: String {
        switch kind {
        case .identifier(let name): return "identifier '\(name)'"
        case .string(let value): return "string \"\(value)\""
        case .number, .float: return "number \(text)"
        case .punct(let punct): return "'\(punct.rawValue)'"
        case .pragma(let name): return "pragma '@\(name)'"
        case .endOfFile: return "end of file"
        }
    }

    /// The identifier's name, if this is one.
    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    /// Whether this is the punctuation `punct`.
    func `is`(_ punct: Punct) -> Bool {
        kind == .punct(punct)
    }

    /// The scalar this token denotes, for strings, identifiers and numbers.
    var scalarValue: ConfigValue? {
        switch kind {
        case .identifier(let name): return .identifier(name)
        case .string(let value): return .string(value)
        case .number(let value): return .number(value)
        case .float(let value): return .float(value)
        case .punct, .pragma, .endOfFile: return nil
        }
    }
}

extension SourceRange {
    /// The span from the start of `first` to the end of `last`.
    init(from first: SourceRange, to last: SourceRange) {
        self.init(start: first.start, endLine: last.endLine, endColumn: last.endColumn)
    }
}

/// Folds `_` to `-`, as syslog-ng does for option, driver and flag names.
func foldName(_ name: String) -> String {
    String(name.map { $0 == "_" ? "-" : $0 })
}
