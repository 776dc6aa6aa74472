import SyslogMessage

/// `$(if (EXPR) THEN ELSE)`: renders THEN when the filter expression matches, ELSE otherwise.
final class IfFunction: TemplateFunction {
    let condition: @Sendable (LogMessage) -> Bool
    let then: Template
    let otherwise: Template

    init(_ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        let args = call.arguments
        guard args.count == 3 else {
            throw TemplateError("$(if) requires three arguments: (condition) true-template false-template",
                                offset: call.offset)
        }
        condition = try TemplateFunctions.compileCondition(args[0], of: "if", what: "condition",
                                                           conditionCompiler: conditionCompiler, callOffset: call.offset)
        then = try TemplateFunctions.compileArgument(args[1].text, at: args[1].offset, options: options,
                                                     conditionCompiler: conditionCompiler)
        otherwise = try TemplateFunctions.compileArgument(args[2].text, at: args[2].offset, options: options,
                                                          conditionCompiler: conditionCompiler)
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        (condition(msg.message) ? then : otherwise).renderNested(msg, into: &out, context: &context)
    }
}
