import SyslogMessage

/// The compiled form of a template: plain-data ops, one byte pool for literal and default
/// text, and the function calls the ops refer to by index.
struct CompiledTemplate: Sendable {
    var ops: [TemplateOp] = []
    var literals: [UInt8] = []
    var functions: [any TemplateFunction] = []
}

/// Compiles template text into a ``CompiledTemplate``.
struct TemplateParser {
    let bytes: [UInt8]
    let options: TemplateOptions
    let conditionCompiler: Template.ConditionCompiler?

    private var compiled = CompiledTemplate()
    private var pending: [UInt8] = []

    init(text: String, options: TemplateOptions, conditionCompiler: Template.ConditionCompiler?) {
        self.bytes = Array(text.utf8)
        self.options = options
        self.conditionCompiler = conditionCompiler
    }

    static let dollar = UInt8(ascii: "$")

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }

    mutating func parse() throws(TemplateError) -> CompiledTemplate {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            guard b == Self.dollar, i + 1 < n else {
                pending.append(b)
                i += 1
                continue
            }
            let next = bytes[i + 1]
            if next == Self.dollar {
                pending.append(Self.dollar)
                i += 2
            } else if next == UInt8(ascii: "{") {
                i = try parseBraced(at: i)
            } else if next == UInt8(ascii: "(") {
                i = try parseFunction(at: i)
            } else if Self.isNameByte(next) {
                var j = i + 1
                while j < n && Self.isNameByte(bytes[j]) { j += 1 }
                emit(.ref(MacroTable.resolve(String(decoding: bytes[(i + 1)..<j], as: UTF8.self))))
                i = j
            } else {
                pending.append(b)
                i += 1
            }
        }
        flushLiteral()
        return compiled
    }

    /// Adds `bytes` to the literal pool and returns their range.
    private mutating func pool(_ bytes: [UInt8]) -> TextRange {
        let start = compiled.literals.count
        compiled.literals.append(contentsOf: bytes)
        return TextRange(start: Int32(start), end: Int32(compiled.literals.count))
    }

    private mutating func flushLiteral() {
        if !pending.isEmpty {
            compiled.ops.append(.literal(pool(pending)))
            pending = []
        }
    }

    private mutating func emit(_ op: TemplateOp) {
        flushLiteral()
        compiled.ops.append(op)
    }

    /// `${NAME}` or `${NAME:-default}` starting at `start` (the `$`); returns the index after `}`.
    private mutating func parseBraced(at start: Int) throws(TemplateError) -> Int {
        let bodyStart = start + 2
        guard let close = bytes[bodyStart...].firstIndex(of: UInt8(ascii: "}")) else {
            throw TemplateError("Invalid macro reference, missing '}'", offset: start)
        }
        let body = bytes[bodyStart..<close]
        var nameEnd = close
        var fallback: [UInt8] = []
        var i = bodyStart
        while i + 1 < close {
            if bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: "-") {
                nameEnd = i
                fallback = Array(bytes[(i + 2)..<close])
                break
            }
            i += 1
        }
        guard nameEnd > bodyStart, !body.isEmpty else {
            throw TemplateError("Invalid macro reference, empty name", offset: start)
        }
        let ref = MacroTable.resolve(String(decoding: bytes[bodyStart..<nameEnd], as: UTF8.self))
        flushLiteral()
        emit(fallback.isEmpty ? .ref(ref) : .refWithDefault(ref, pool(fallback)))
        return close + 1
    }

    /// `$(name args…)` starting at `start`; returns the index after the closing `)`.
    private mutating func parseFunction(at start: Int) throws(TemplateError) -> Int {
        let call = try FunctionCallScanner.scan(bytes, at: start)
        let function = try TemplateFunctions.make(call, options: options, conditionCompiler: conditionCompiler)
        emit(.function(Int32(compiled.functions.count)))
        compiled.functions.append(function)
        return call.end
    }
}
