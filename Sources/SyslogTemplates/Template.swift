import SyslogMessage

/// A compiled syslog-ng template.
///
/// The text is parsed once into a list of operations (literal bytes, macro or value
/// references, template function calls); rendering walks them and appends bytes, without
/// building Strings. A template is immutable and may be shared by any number of threads;
/// each thread renders with its own ``TemplateRenderContext``.
///
/// Syntax: `$NAME`, `${NAME}` (any name, e.g. `${.SDATA.id.param}`), `${NAME:-default}`
/// (literal default text when the value is empty or unset), `$$` for a dollar sign and
/// `$(function arg …)` calls. Names that are no builtin macro are name-value lookups.
public final class Template: Sendable {
    /// A condition compiled from the text of a filter expression, for `$(if (EXPR) …)`.
    public typealias ConditionCompiler = @Sendable (String) throws -> @Sendable (LogMessage) -> Bool

    /// The template text as given.
    public let text: String
    /// The options the template renders with.
    public let options: TemplateOptions
    /// The value a template reads when it is exactly one name-value reference (`$MSG`,
    /// `${json}`), nil for builtin macros (`$DATE`), functions and anything longer. Readers use it
    /// to take the value in place instead of rendering.
    public var singleValue: NVHandle? {
        if case .value(let h)? = singleReference { return h }
        return nil
    }

    /// The text of a template without any macro or function (with `$$` already made `$`),
    /// nil otherwise.
    public let literalText: String?

    let compiled: CompiledTemplate

    /// True when the template has no macro, value reference or function.
    public var isLiteral: Bool { literalText != nil }

    /// The one reference a template consists of (`$NAME` alone), for typed output.
    var singleReference: MacroRef? {
        if compiled.ops.count == 1, case .ref(let r) = compiled.ops[0] { return r }
        return nil
    }

    /// Compiles `text`.
    ///
    /// - Parameters:
    ///   - options: how timestamps render, template-escape, the local host name.
    ///   - conditionCompiler: compiles the filter expression of `$(if (EXPR) …)`; templates
    ///     using `$(if)` fail to compile without one.
    /// - Throws: ``TemplateError`` with the byte offset of the faulty construct.
    public init(_ text: String, options: TemplateOptions = .default,
                conditionCompiler: ConditionCompiler? = nil) throws(TemplateError) {
        self.text = text
        self.options = options
        var parser = TemplateParser(text: text, options: options, conditionCompiler: conditionCompiler)
        let compiled = try parser.parse()
        self.compiled = compiled
        if compiled.ops.isEmpty {
            literalText = ""
        } else if compiled.ops.count == 1, case .literal = compiled.ops[0] {
            literalText = String(decoding: compiled.literals, as: UTF8.self)
        } else {
            literalText = nil
        }
    }

    /// Renders `msg` and appends the bytes to `out`.
    public func render(_ msg: LogMessage, into out: inout [UInt8], context: inout TemplateRenderContext) {
        if literalText != nil {
            out.append(contentsOf: compiled.literals)
            return
        }
        context.currentStamp = nil
        renderNested(RenderInput(msg), into: &out, context: &context)
    }

    /// Renders `msg` to a String (convenience; allocates a context).
    public func render(_ msg: LogMessage) -> String {
        var out: [UInt8] = []
        var context = TemplateRenderContext()
        render(msg, into: &out, context: &context)
        return String(decoding: out, as: UTF8.self)
    }

    /// Renders as part of an enclosing render (keeps the context's current time).
    func renderNested(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        let escape = options.escape
        compiled.literals.withUnsafeBufferPointer { lit in
            compiled.ops.withUnsafeBufferPointer { ops in
                for op in ops {
                    switch op {
                    case .literal(let r):
                        if r.end - r.start == 1 {
                            out.append(lit[Int(r.start)])
                        } else {
                            ByteAppend.append(UnsafeBufferPointer(rebasing: lit[r.range]), to: &out)
                        }
                    case .ref(let ref):
                        if escape {
                            let start = out.count
                            appendReference(ref, msg, &out, &context)
                            Template.escapeTail(&out, from: start)
                        } else {
                            appendReference(ref, msg, &out, &context)
                        }
                    case .refWithDefault(let ref, let r):
                        let start = out.count
                        appendReference(ref, msg, &out, &context)
                        if out.count == start {
                            ByteAppend.append(UnsafeBufferPointer(rebasing: lit[r.range]), to: &out)
                        }
                        if escape { Template.escapeTail(&out, from: start) }
                    case .function(let index):
                        compiled.functions[Int(index)].render(msg, into: &out, context: &context)
                    }
                }
            }
        }
    }

    @inline(__always)
    func appendReference(_ ref: MacroRef, _ msg: RenderInput, _ out: inout [UInt8],
                         _ context: inout TemplateRenderContext) {
        MacroRendering.append(ref, msg, options: options, to: &out, context: &context)
    }

    /// Backslash-escapes `'`, `"` and `\` in `out[start...]` (template-escape).
    static func escapeTail(_ out: inout [UInt8], from start: Int) {
        guard let first = out[start...].firstIndex(where: needsEscape) else { return }
        let tail = Array(out[first...])
        out.removeSubrange(first...)
        for b in tail {
            if needsEscape(b) { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
    }

    @inline(__always)
    private static func needsEscape(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\")
    }
}

/// A range of bytes in a template's literal pool.
struct TextRange: Sendable, Equatable {
    var start: Int32
    var end: Int32
    var range: Range<Int> { Int(start)..<Int(end) }
}

/// One compiled step of a template (plain data: copying it retains nothing).
enum TemplateOp: Sendable, Equatable {
    case literal(TextRange)
    case ref(MacroRef)
    /// A reference with the literal text used when it renders empty.
    case refWithDefault(MacroRef, TextRange)
    /// A call of `functions[index]`.
    case function(Int32)
}

/// A compiled template function call, `$(name args…)`.
protocol TemplateFunction: AnyObject, Sendable {
    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext)
}
