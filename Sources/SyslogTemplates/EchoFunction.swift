import SyslogMessage

/// `$(echo arg…)`: the rendered arguments joined by single spaces.
final class EchoFunction: TemplateFunction {
    let arguments: [Template]

    init(_ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        var list: [Template] = []
        for arg in call.arguments {
            list.append(try TemplateFunctions.compileArgument(arg.text, at: arg.offset, options: options,
                                                              conditionCompiler: conditionCompiler))
        }
        arguments = list
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        for (i, arg) in arguments.enumerated() {
            if i > 0 { out.append(UInt8(ascii: " ")) }
            arg.renderNested(msg, into: &out, context: &context)
        }
    }
}
