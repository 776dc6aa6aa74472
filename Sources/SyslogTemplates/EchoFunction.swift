import SyslogMessage

/// `$(echo arg…)`: the rendered arguments joined by single spaces.
final class EchoFunction: TemplateFunction {
    let arguments: [Template]

    init(_ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        arguments = try TemplateFunctions.compileArguments(call, options: options, conditionCompiler: conditionCompiler)
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        for (i, arg) in arguments.enumerated() {
            if i > 0 { out.append(UInt8(ascii: " ")) }
            arg.renderNested(msg, into: &out, context: &context)
        }
    }
}
