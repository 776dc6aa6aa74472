internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `$(python <callable> [args…])` (spec §11): calls `callable(msg, *args)` with a read-only
/// LogMessage and the other arguments as bytes; the result is rendered as its typed value
/// (str, bytes, int, float, bool, None, list, datetime). The callable is looked up on every
/// call, like `class()`: dotted names are imported, plain ones come from the `python {}` block.
/// Any failure logs `$(python): …` and renders `<error>`.
///
/// It runs on the thread that renders the template (a destination's) and takes the GIL for
/// each call, as syslog-ng does: a busy Python source makes it wait.
struct PythonTemplateFunction: PluginTemplateFunction {
    /// The `python {}` namespace of the configuration the template belongs to (plain names are
    /// looked up there, also while an older configuration drains during a reload).
    let main: PyRef?

    static func register() {
        PluginFunctions.register("python") { args throws(TemplateError) in
            guard let name = args.first, !name.isEmpty else {
                throw TemplateError("$(python) needs the name of a Python function", offset: 0)
            }
            PythonPlugin.ensureInterpreter()
            return PythonTemplateFunction(main: PythonPlugin.buildingMain)
        }
    }

    func render(_ message: LogMessage, arguments: [[UInt8]], into out: inout [UInt8]) {
        guard let nameBytes = arguments.first else { return }
        let name = String(decoding: nameBytes, as: UTF8.self)
        let result: LogValue? = Python.attach { gil in
            guard let fn = PythonTemplateFunction.resolve(name, main: main, gil) else {
                let e = PythonException.fetch(gil)
                InternalLog.shared.error("$(python): Error looking up Python function", [("function", name), ("exception", e?.description ?? "None")])
                return nil
            }
            defer { ssw_decref(fn) }
            guard let msg = MessageType.wrap(message, gil) else { PyErr_Clear(); return nil }
            MessageType.freeze(msg)
            var callArgs: [PyObjectPtr] = [msg]
            for a in arguments.dropFirst() { if let b = Py.bytes(a) { callArgs.append(b) } }
            defer { for o in callArgs { ssw_decref(o) } }
            guard let r = Py.call(fn, callArgs, gil) else {
                let e = PythonException.fetch(gil)
                InternalLog.shared.error("$(python): Error calling Python function", [("function", name), ("exception", e?.description ?? "")])
                return nil
            }
            defer { ssw_decref(r) }
            guard let v = ValueConversion.logValue(from: r, gil) else {
                let e = PythonException.fetch(gil)
                InternalLog.shared.error("$(python): Error converting the return value", [("function", name), ("exception", e?.description ?? "")])
                return nil
            }
            return v
        }
        if let result { result.append(to: &out) } else { out.append(contentsOf: "<error>".utf8) }
    }

    /// The callable `name` (new reference): `mod.func` imported, else from the configuration's
    /// `python {}` namespace.
    static func resolve(_ name: String, main: PyRef?, _ gil: borrowing GIL) -> PyObjectPtr? {
        if let dot = name.lastIndex(of: ".") {
            guard let module = PyImport_ImportModule(String(name[..<dot])) else { return nil }
            defer { ssw_decref(module) }
            return PyObject_GetAttrString(module, String(name[name.index(after: dot)...]))
        }
        guard let main else {
            Py.raise(ssw_exc_attribute_error(), "no python {} block defines \(name)")
            return nil
        }
        return PyObject_GetAttrString(main.pointer, name)
    }
}
