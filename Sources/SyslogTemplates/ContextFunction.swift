import SyslogMessage

/// `$(context-length)`, `$(context-values T…)` and `$(context-lookup (FILTER) T…)` outside
/// correlation: the context is the one message being rendered, as in syslog-ng 3.38 (compared
/// in `Tests/Golden/context-functions`). `context-values` renders each template as one list
/// item (`prog,hi`; an item with a comma is quoted); `context-lookup` does the same when the
/// filter matches the message and renders nothing otherwise.
final class ContextFunction: TemplateFunction {
    enum Kind: String, CaseIterable {
        case length = "context-length", values = "context-values", lookup = "context-lookup"
    }

    let kind: Kind
    let condition: (@Sendable (LogMessage) -> Bool)?
    let templates: [Template]

    init(_ kind: Kind, _ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        self.kind = kind
        switch kind {
        case .length:
            condition = nil
            templates = []
        case .values:
            condition = nil
            templates = try TemplateFunctions.compileArguments(call, options: options, conditionCompiler: conditionCompiler)
        case .lookup:
            guard call.arguments.count >= 2 else {
                throw TemplateError("$(context-lookup) requires at least two arguments", offset: call.offset)
            }
            condition = try TemplateFunctions.compileCondition(call.arguments[0], of: "context-lookup", what: "filter",
                                                               conditionCompiler: conditionCompiler, callOffset: call.offset)
            templates = try TemplateFunctions.compileArguments(call, from: 1, options: options,
                                                               conditionCompiler: conditionCompiler)
        }
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        switch kind {
        case .length:
            out.append(UInt8(ascii: "1"))
            return
        case .lookup:
            guard condition!(msg.message) else { return }
        case .values:
            break
        }
        var items: [String] = []
        items.reserveCapacity(templates.count)
        for t in templates {
            var buf: [UInt8] = []
            t.renderNested(msg, into: &buf, context: &context)
            items.append(String(decoding: buf, as: UTF8.self))
        }
        LogValue.appendList(items, to: &out)
    }
}
