import Synchronization
import SyslogMessage

/// A template function a plugin provides (`$(python …)`): it gets the message and its
/// arguments rendered, and appends its output.
public protocol PluginTemplateFunction: Sendable {
    func render(_ message: LogMessage, arguments: [[UInt8]], into out: inout [UInt8])
}

/// Template functions registered by plugins, by name. A plugin registers before configurations
/// are read; the factory checks the arguments' raw texts when a template is compiled.
public enum PluginFunctions {
    public typealias Factory = @Sendable (_ arguments: [String]) throws(TemplateError) -> any PluginTemplateFunction

    private static let factories = Mutex<[String: Factory]>([:])

    public static func register(_ name: String, _ factory: @escaping Factory) {
        factories.withLock { $0[name] = factory }
    }

    static func factory(_ name: String) -> Factory? { factories.withLock { $0[name] } }
}

/// The compiled call of a plugin function: its arguments are templates, rendered per message.
final class PluginFunctionCall: TemplateFunction {
    let arguments: [Template]
    let function: any PluginTemplateFunction

    init(_ call: FunctionCall, factory: PluginFunctions.Factory, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        arguments = try TemplateFunctions.compileArguments(call, options: options, conditionCompiler: conditionCompiler)
        do {
            function = try factory(call.arguments.map(\.text))
        } catch {
            throw TemplateError(error.message, offset: call.offset)
        }
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        var rendered: [[UInt8]] = []
        rendered.reserveCapacity(arguments.count)
        for arg in arguments {
            var b: [UInt8] = []
            arg.renderNested(msg, into: &b, context: &context)
            rendered.append(b)
        }
        function.render(msg.message, arguments: rendered, into: &out)
    }
}

/// `template-function NAME "TEMPLATE";` statements of the configuration being built (set by the
/// builder before any template is compiled): `$(NAME)` renders the template.
public enum UserTemplateFunctions {
    private static let functions = Mutex<[String: String]>([:])

    public static func set(_ all: [String: String]) { functions.withLock { $0 = all } }

    static func text(_ name: String) -> String? { functions.withLock { $0[name] } }
}

/// A call of a user template function: its template, compiled where it is called.
final class UserFunctionCall: TemplateFunction {
    let template: Template
    init(_ call: FunctionCall, text: String, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        guard call.arguments.isEmpty else {
            throw TemplateError("User defined template function $(\(call.name)) cannot have arguments", offset: call.offset)
        }
        guard options.userFunctionDepth < 16 else {
            throw TemplateError("User defined template functions nest too deep at $(\(call.name)) (one calls itself?)", offset: call.offset)
        }
        var inner = options
        inner.userFunctionDepth += 1
        do {
            template = try Template(text, options: inner, conditionCompiler: conditionCompiler)
        } catch {
            throw TemplateError(error.message, offset: call.offset)
        }
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        template.renderNested(msg, into: &out, context: &context)
    }
}
