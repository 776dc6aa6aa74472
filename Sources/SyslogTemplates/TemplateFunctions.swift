import SyslogMessage

/// The registry of template functions: `echo`, `if`, `format-json`, `format-welf`,
/// `format-flat-json`, the text and list functions (``TextFunction``), `context-*`
/// (``ContextFunction``), then those plugins
/// registered (``PluginFunctions``).
enum TemplateFunctions {
    /// Names of the functions this engine provides.
    static let names: Set<String> = Set(["echo", "if", "format-json", "format-welf", "format-flat-json"]
                                            + TextFunction.Kind.allCases.map(\.rawValue)
                                            + ContextFunction.Kind.allCases.map(\.rawValue))

    static func make(_ call: FunctionCall, options: TemplateOptions,
                     conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> any TemplateFunction {
        switch call.name {
        case "echo":
            return try EchoFunction(call, options: options, conditionCompiler: conditionCompiler)
        case "if":
            return try IfFunction(call, options: options, conditionCompiler: conditionCompiler)
        case "format-json":
            return try FormatJSONFunction(call, options: options, conditionCompiler: conditionCompiler)
        case "format-welf", "format-flat-json":
            return try FlatPairsFunction(welf: call.name == "format-welf", call, options: options, conditionCompiler: conditionCompiler)
        default:
            if let text = UserTemplateFunctions.text(call.name) {
                return try UserFunctionCall(call, text: text, options: options, conditionCompiler: conditionCompiler)
            }
            if let kind = ContextFunction.Kind(rawValue: call.name) {
                return try ContextFunction(kind, call, options: options, conditionCompiler: conditionCompiler)
            }
            if let kind = TextFunction.Kind(rawValue: call.name) {
                return try TextFunction(kind, call, options: options, conditionCompiler: conditionCompiler)
            }
            if let factory = PluginFunctions.factory(call.name) {
                return try PluginFunctionCall(call, factory: factory, options: options, conditionCompiler: conditionCompiler)
            }
            throw TemplateError("Unknown template function '\(call.name)'", offset: call.offset)
        }
    }

    /// Compiles every argument of `call` as a template (see ``compileArgument``).
    static func compileArguments(_ call: FunctionCall, from first: Int = 0, options: TemplateOptions,
                                 conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> [Template] {
        var list: [Template] = []
        for arg in call.arguments.dropFirst(first) {
            list.append(try compileArgument(arg.text, at: arg.offset, options: options, conditionCompiler: conditionCompiler))
        }
        return list
    }

    /// Compiles a function argument as a template (template-escape does not apply inside
    /// functions); error offsets are made relative to the enclosing template.
    /// Compiles a `(FILTER EXPRESSION)` argument of `$(function)`, e.g. `$(if)`'s condition;
    /// `what` names it in errors ("condition", "filter").
    static func compileCondition(_ arg: FunctionArgument, of function: String, what: String,
                                 conditionCompiler: Template.ConditionCompiler?,
                                 callOffset: Int) throws(TemplateError) -> @Sendable (LogMessage) -> Bool {
        var text = Substring(arg.text)
        guard text.first == "(", text.last == ")" else {
            throw TemplateError("$(\(function)) \(what) must be enclosed in parentheses", offset: arg.offset)
        }
        text = text.dropFirst().dropLast()
        guard let compiler = conditionCompiler else {
            throw TemplateError("$(\(function)) needs filter expressions, which are not available here", offset: callOffset)
        }
        do {
            return try compiler(String(text))
        } catch {
            throw TemplateError("Invalid $(\(function)) \(what): \(error)", offset: arg.offset)
        }
    }

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
