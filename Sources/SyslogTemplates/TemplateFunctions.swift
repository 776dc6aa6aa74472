/// The registry of template functions: `echo`, `if` and `format-json`, then those plugins
/// registered (``PluginFunctions``).
enum TemplateFunctions {
    /// Names of the functions this engine provides.
    static let names: Set<String> = ["echo", "if", "format-json"]

    static func make(_ call: FunctionCall, options: TemplateOptions,
                     conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> any TemplateFunction {
        switch call.name {
        case "echo":
            return try EchoFunction(call, options: options, conditionCompiler: conditionCompiler)
        case "if":
            return try IfFunction(call, options: options, conditionCompiler: conditionCompiler)
        case "format-json":
            return try FormatJSONFunction(call, options: options, conditionCompiler: conditionCompiler)
        default:
            if let factory = PluginFunctions.factory(call.name) {
                return try PluginFunctionCall(call, factory: factory, options: options, conditionCompiler: conditionCompiler)
            }
            throw TemplateError("Unknown template function '\(call.name)'", offset: call.offset)
        }
    }

    /// Compiles every argument of `call` as a template (see ``compileArgument``).
    static func compileArguments(_ call: FunctionCall, options: TemplateOptions,
                                 conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> [Template] {
        var list: [Template] = []
        for arg in call.arguments {
            list.append(try compileArgument(arg.text, at: arg.offset, options: options, conditionCompiler: conditionCompiler))
        }
        return list
    }

    /// Compiles a function argument as a template (template-escape does not apply inside
    /// functions); error offsets are made relative to the enclosing template.
    static func compileArgument(_ text: String, at offset: Int, options: TemplateOptions,
                                conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> Template {
        var inner = options
        inner.escape = false
        do {
            return try Template(text, options: inner, conditionCompiler: conditionCompiler)
        } catch {
            throw TemplateError(error.message, offset: offset + error.offset)
        }
    }
}
