import SyslogConfig
import SyslogMessage
@testable import SyslogFilters

/// Builders for filter ASTs and messages, so tests need no parser.
enum AST {
    static func at(_ line: Int, _ column: Int, to endColumn: Int? = nil) -> SourceRange {
        SourceRange(start: SourceLocation(file: "test.conf", line: line, column: column),
                    endLine: line, endColumn: endColumn ?? column)
    }

    static let here = at(1, 1)

    static func id(_ s: String, _ range: SourceRange = here) -> ConfigArgument { .value(.identifier(s), range) }
    static func str(_ s: String, _ range: SourceRange = here) -> ConfigArgument { .value(.string(s), range) }
    static func num(_ n: Int64, _ range: SourceRange = here) -> ConfigArgument { .value(.number(n), range) }

    static func span(_ a: String, _ b: String, _ range: SourceRange = here) -> ConfigArgument {
        .range(.identifier(a), .identifier(b), range)
    }

    static func node(_ name: String, _ args: [ConfigArgument], _ range: SourceRange = here) -> OptionNode {
        OptionNode(name: name.replacing("_", with: "-"), rawName: name, arguments: args, range: range)
    }

    static func opt(_ name: String, _ args: ConfigArgument...) -> ConfigArgument {
        .option(node(name, args))
    }

    static func call(_ name: String, _ args: ConfigArgument...) -> FilterExpr {
        .call(node(name, args))
    }

    static func call(_ name: String, at range: SourceRange, _ args: ConfigArgument...) -> FilterExpr {
        .call(node(name, args, range))
    }

    static func not(_ e: FilterExpr) -> FilterExpr { .not(e, here) }
}

/// A message with the given fields; `pri` is facility * 8 + severity.
func makeMessage(pri: UInt16 = 13, program: String? = nil, pid: String? = nil, host: String? = nil,
                 message: String = "", tags: [String] = [], source: String? = nil,
                 address: String? = nil) -> LogMessage {
    let m = LogMessage(message: message)
    m.pri = pri
    if let program { m[.program] = .string(program) }
    if let pid { m[.pid] = .string(pid) }
    if let host { m[.host] = .string(host) }
    if let source { m[.source] = .string(source) }
    for t in tags { m.addTag(t) }
    m.sourceAddress = address
    return m
}

/// Compiles `expr`, resolving references through `named`.
func compile(_ expr: FilterExpr, named: [String: FilterExpr] = [:]) throws(FilterError) -> CompiledFilter {
    try FilterCompiler(namedFilters: named).compile(expr)
}

/// The error compiling `expr` throws, or nil when it compiles.
func compileError(_ expr: FilterExpr, named: [String: FilterExpr] = [:]) -> FilterError? {
    do {
        _ = try compile(expr, named: named)
        return nil
    } catch {
        return error
    }
}

/// pri for a facility/severity pair.
func pri(_ facility: Int, _ severity: Int) -> UInt16 { UInt16(facility * 8 + severity) }
