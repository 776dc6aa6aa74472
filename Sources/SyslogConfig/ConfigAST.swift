/// A position in a configuration file (1-based line and column, in UTF-8 bytes).
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`
    public var description: String { "\(file):\(line):\(column)" }
}

/// A span of configuration text: where it starts and where it ends (end column inclusive).
public struct SourceRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var start: SourceLocation
    public var endLine: Int
    public var endColumn: Int

    public init(start: SourceLocation, endLine: Int, endColumn: Int) {
        self.start = start
        self.endLine = endLine
        self.endColumn = endColumn
    }

    public init(_ start: SourceLocation) {
        self.init(start: start, endLine: start.line, endColumn: start.column)
    }

    /// `file:line:col-line:col`, as syslog-ng prints locations.
    public var description: String { "\(start.file):\(start.line):\(start.column)-\(endLine):\(endColumn)" }
}

/// A scalar value written in the configuration.
public enum ConfigValue: Sendable, Equatable {
    /// A quoted string (escapes already processed).
    case string(String)
    /// A bare word: `yes`, `no`, `s_local`, `info`, `local0`, `ignore-case`…
    case identifier(String)
    /// An integer (hex, negative and size suffixes already applied).
    case number(Int64)
    /// A floating point number.
    case float(Double)

    /// The value as text: strings and identifiers as written, numbers in decimal.
    public var text: String {
        switch self {
        case .string(let s), .identifier(let s): return s
        case .number(let n): return String(n)
        case .float(let d): return String(d)
        }
    }
}

/// One argument inside `name( … )`.
public indirect enum ConfigArgument: Sendable, Equatable {
    /// A scalar: `"path"`, `yes`, `5`.
    case value(ConfigValue, SourceRange)
    /// A nested option: `template("…")`, `create-dirs(yes)`, `value("HOST")`.
    case option(OptionNode)
    /// A key-value pair: `"n" => 5` (python options()).
    case keyValue(key: String, value: ConfigArgument, SourceRange)
    /// A list literal: `["a", "b"]`.
    case list([ConfigArgument], SourceRange)
    /// A range: `info..err` (level()/facility()).
    case range(ConfigValue, ConfigValue, SourceRange)
    /// A filter expression: the body of `condition(…)` (rewrite rules).
    case filter(FilterExpr, SourceRange)

    /// Where the argument was written.
    public var range: SourceRange {
        switch self {
        case .value(_, let r), .keyValue(_, _, let r), .list(_, let r), .range(_, _, let r), .filter(_, let r): return r
        case .option(let o): return o.range
        }
    }
}

/// `name(arg arg …)`: a driver, an option of a driver, or a filter function call.
public struct OptionNode: Sendable, Equatable {
    /// The name with `_` folded to `-` (syslog-ng treats them alike): `create-dirs`.
    public var name: String
    /// The name as written.
    public var rawName: String
    public var arguments: [ConfigArgument]
    /// The span of the name.
    public var range: SourceRange

    public init(name: String, rawName: String, arguments: [ConfigArgument], range: SourceRange) {
        self.name = name
        self.rawName = rawName
        self.arguments = arguments
        self.range = range
    }

    /// Positional scalar arguments (not nested options, key-values, lists or ranges).
    public var values: [ConfigValue] {
        arguments.compactMap { if case .value(let v, _) = $0 { return v } else { return nil } }
    }

    /// Nested options.
    public var options: [OptionNode] {
        arguments.compactMap { if case .option(let o) = $0 { return o } else { return nil } }
    }
}

/// A filter expression: `level(info..err) and not program("cron")`.
public indirect enum FilterExpr: Sendable, Equatable {
    /// A filter function: `level(…)`, `match(…)`, `filter(f_name)`, `program(…)`…
    case call(OptionNode)
    case and(FilterExpr, FilterExpr)
    case or(FilterExpr, FilterExpr)
    case not(FilterExpr, SourceRange)
    /// `"$PID" == "1"`, `"$HOST" eq "x"`: `op` is `==`, `!=`, `<`, `<=`, `>`, `>=` (numbers) or
    /// `eq`, `ne`, `lt`, `le`, `gt`, `ge` (strings); the sides are templates.
    case compare(String, String, String, SourceRange)
}

/// One element of a `log { … };` statement, in the order written.
public indirect enum LogItem: Sendable, Equatable {
    case sourceRef(String, SourceRange)
    case sourceInline([OptionNode], SourceRange)
    case filterRef(String, SourceRange)
    case filterInline(FilterExpr, SourceRange)
    case parserRef(String, SourceRange)
    case parserInline([OptionNode], SourceRange)
    case rewriteRef(String, SourceRange)
    case rewriteInline([OptionNode], SourceRange)
    case destinationRef(String, SourceRange)
    case destinationInline([OptionNode], SourceRange)
    /// An embedded `log { … };`
    case log(LogStatement)
}

/// `log { … flags(…); };`
public struct LogStatement: Sendable, Equatable {
    public var items: [LogItem]
    /// Flag names with `_` folded to `-`: `final`, `flow-control`, `fallback`, `catchall`.
    public var flags: [String]
    public var range: SourceRange

    public init(items: [LogItem], flags: [String], range: SourceRange) {
        self.items = items
        self.flags = flags
        self.range = range
    }
}

/// A top-level statement.
public enum Statement: Sendable, Equatable {
    /// `options { … };`
    case options([OptionNode], SourceRange)
    /// `source NAME { driver(…); … };`
    case source(name: String, drivers: [OptionNode], SourceRange)
    case destination(name: String, drivers: [OptionNode], SourceRange)
    /// `filter NAME { expr; };`
    case filter(name: String, expr: FilterExpr, SourceRange)
    case parser(name: String, drivers: [OptionNode], SourceRange)
    case rewrite(name: String, drivers: [OptionNode], SourceRange)
    /// `template NAME { template("…"); template-escape(yes); };` — the shorthand
    /// `template NAME "…";` is given as one `template("…")` option.
    case template(name: String, options: [OptionNode], SourceRange)
    case log(LogStatement)
    /// `KEYWORD { …code… };` for a keyword a plugin registered as a raw block (`python`): the
    /// code as written, uninterpreted.
    case rawBlock(keyword: String, code: String, SourceRange)
    /// `template-function NAME "TEMPLATE";`: `$(NAME)` (without arguments) renders TEMPLATE.
    case templateFunction(name: String, text: String, SourceRange)
}

/// A parsed configuration: what the `@version:` line said and the statements of the main file
/// and everything it includes, in order.
public struct ConfigFile: Sendable, Equatable {
    /// The `@version:` value (e.g. "3.38", "4.2"), nil when the file has none.
    public var version: String?
    public var statements: [Statement]
    /// Every file read (main file first, then includes), for reload checks and messages.
    public var files: [String]
    /// The text of every file read, for rendering errors found after parsing
    /// (`sources.error("unknown option…", at: range)`). Ignored by `==`.
    public var sources: ConfigSources = ConfigSources()
    /// Non-fatal problems found while reading (e.g. an undefined backtick variable).
    public var warnings: [String] = []

    public init(version: String?, statements: [Statement], files: [String]) {
        self.version = version
        self.statements = statements
        self.files = files
    }
}
