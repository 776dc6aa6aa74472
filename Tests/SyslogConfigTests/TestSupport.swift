import Glibc
@testable import SyslogConfig

/// A placeholder range: AST values built in tests use it, and `stripped` puts it everywhere.
let noRange = SourceRange(SourceLocation(file: "", line: 0, column: 0))

/// A loader that sees no environment (or the given one).
func loader(_ environment: [String: String] = [:]) -> ConfigLoader {
    ConfigLoader(environment: { environment[$0] }, rawBlocks: ["python"])
}

/// Parses text as the file `/etc/test/syslog.conf`.
func parse(_ text: String, fileName: String = "/etc/test/syslog.conf",
           environment: [String: String] = [:]) throws -> ConfigFile {
    try loader(environment).parse(text: text, fileName: fileName)
}

/// The error thrown when parsing text, or nil when it parses.
func parseError(_ text: String, fileName: String) -> ConfigError? {
    do {
        _ = try loader().parse(text: text, fileName: fileName)
        return nil
    } catch {
        return error
    }
}

/// The token kinds of text (the end-of-file token excluded).
func tokenKinds(_ text: String) throws -> [Token.Kind] {
    try tokens(text).map(\.kind)
}

func tokens(_ text: String) throws -> [Token] {
    let state = PreprocessorState(environment: { _ in nil })
    state.register(path: "t.conf", text: text)
    var lexer = Lexer(file: "t.conf", bytes: Array(text.utf8), state: state)
    var result: [Token] = []
    while true {
        let token = try lexer.next()
        if token.kind == .endOfFile { return result }
        result.append(token)
    }
}

// MARK: AST builders (ranges left as `noRange`)

func str(_ text: String) -> ConfigArgument { .value(.string(text), noRange) }
func ident(_ text: String) -> ConfigArgument { .value(.identifier(text), noRange) }
func num(_ value: Int64) -> ConfigArgument { .value(.number(value), noRange) }

func node(_ rawName: String, _ arguments: ConfigArgument...) -> OptionNode {
    OptionNode(name: String(rawName.map { $0 == "_" ? "-" : $0 }), rawName: rawName,
               arguments: arguments, range: noRange)
}

func opt(_ rawName: String, _ arguments: ConfigArgument...) -> ConfigArgument {
    .option(OptionNode(name: String(rawName.map { $0 == "_" ? "-" : $0 }), rawName: rawName,
                       arguments: arguments, range: noRange))
}

func call(_ rawName: String, _ arguments: ConfigArgument...) -> FilterExpr {
    .call(OptionNode(name: String(rawName.map { $0 == "_" ? "-" : $0 }), rawName: rawName,
                     arguments: arguments, range: noRange))
}

// MARK: Range stripping, to compare trees without locations

extension ConfigArgument {
    var stripped: ConfigArgument {
        switch self {
        case .value(let value, _): return .value(value, noRange)
        case .option(let option): return .option(option.stripped)
        case .keyValue(let key, let value, _): return .keyValue(key: key, value: value.stripped, noRange)
        case .list(let items, _): return .list(items.map(\.stripped), noRange)
        case .range(let low, let high, _): return .range(low, high, noRange)
        case .filter(let expr, _): return .filter(expr.stripped, noRange)
        }
    }
}

extension OptionNode {
    var stripped: OptionNode {
        OptionNode(name: name, rawName: rawName, arguments: arguments.map(\.stripped), range: noRange)
    }
}

extension FilterExpr {
    var stripped: FilterExpr {
        switch self {
        case .call(let option): return .call(option.stripped)
        case .and(let left, let right): return .and(left.stripped, right.stripped)
        case .or(let left, let right): return .or(left.stripped, right.stripped)
        case .not(let inner, _): return .not(inner.stripped, noRange)
        case .compare(let a, let op, let b, _): return .compare(a, op, b, noRange)
        }
    }
}

extension LogStatement {
    var stripped: LogStatement {
        LogStatement(items: items.map(\.stripped), flags: flags, range: noRange)
    }
}

extension LogItem {
    var stripped: LogItem {
        switch self {
        case .sourceRef(let name, _): return .sourceRef(name, noRange)
        case .sourceInline(let drivers, _): return .sourceInline(drivers.map(\.stripped), noRange)
        case .filterRef(let name, _): return .filterRef(name, noRange)
        case .filterInline(let expr, _): return .filterInline(expr.stripped, noRange)
        case .parserRef(let name, _): return .parserRef(name, noRange)
        case .parserInline(let drivers, _): return .parserInline(drivers.map(\.stripped), noRange)
        case .rewriteRef(let name, _): return .rewriteRef(name, noRange)
        case .rewriteInline(let drivers, _): return .rewriteInline(drivers.map(\.stripped), noRange)
        case .destinationRef(let name, _): return .destinationRef(name, noRange)
        case .destinationInline(let drivers, _): return .destinationInline(drivers.map(\.stripped), noRange)
        case .log(let log): return .log(log.stripped)
        }
    }
}

extension Statement {
    var stripped: Statement {
        switch self {
        case .options(let items, _): return .options(items.map(\.stripped), noRange)
        case .source(let name, let drivers, _): return .source(name: name, drivers: drivers.map(\.stripped), noRange)
        case .destination(let name, let drivers, _):
            return .destination(name: name, drivers: drivers.map(\.stripped), noRange)
        case .filter(let name, let expr, _): return .filter(name: name, expr: expr.stripped, noRange)
        case .parser(let name, let drivers, _): return .parser(name: name, drivers: drivers.map(\.stripped), noRange)
        case .rewrite(let name, let drivers, _): return .rewrite(name: name, drivers: drivers.map(\.stripped), noRange)
        case .template(let name, let options, _):
            return .template(name: name, options: options.map(\.stripped), noRange)
        case .log(let log): return .log(log.stripped)
        case .rawBlock(let k, let code, _): return .rawBlock(keyword: k, code: code, noRange)
        case .templateFunction(let name, let text, _): return .templateFunction(name: name, text: text, noRange)
        }
    }
}

// MARK: Temporary directories

/// A scratch directory under /tmp, removed (with what was written) by `remove()`.
final class TemporaryDirectory {
    let path: String
    private var files: [String] = []
    private var directories: [String] = []

    init() throws {
        var template = Array("/tmp/syslog-config-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return String?.none }
            return String(cString: result)
        }
        guard let created else { throw TestFailure("mkdtemp failed") }
        path = created
    }

    /// Creates the subdirectory `name` (relative to the scratch directory).
    @discardableResult
    func makeDirectory(_ name: String) throws -> String {
        let full = path + "/" + name
        guard mkdir(full, 0o755) == 0 else { throw TestFailure("mkdir \(full) failed") }
        directories.append(full)
        return full
    }

    /// Writes `text` to `name` (relative to the scratch directory) and returns its full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        guard let handle = fopen(full, "wb") else { throw TestFailure("fopen \(full) failed") }
        defer { fclose(handle) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else { throw TestFailure("fwrite \(full) failed") }
        files.append(full)
        return full
    }

    func remove() {
        for file in files.reversed() { unlink(file) }
        for directory in directories.reversed() { rmdir(directory) }
        rmdir(path)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
