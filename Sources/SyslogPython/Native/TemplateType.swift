internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `_syslogng.LogTemplate(template, options=None)`: a syslog-ng template usable from Python
/// (spec §9): `str(t)` is its text, `t.format(msg, options=None, tz=LTZ_SEND, seqnum=0)`
/// renders a LogMessage to bytes.
enum TemplateType {
    nonisolated(unsafe) static var type: PyObjectPtr?
    nonisolated(unsafe) static var errorType: PyObjectPtr?
    /// Compiled templates by object address (the object holds no Swift pointer of its own).
    nonisolated(unsafe) private static var templates: [UnsafeMutableRawPointer: Template] = [:]

    static func create(module: PyObjectPtr) -> PyObjectPtr? {
        errorType = PyErr_NewException(TypeBuilder.cString("_syslogng.LogTemplateException"), nil, nil)
        if let e = errorType {
            ssw_incref(e)
            PyModule_AddObject(module, "LogTemplateException", e)
        }
        let methods = TypeBuilder.methodTable([.varargsKw("format", format)])
        let initFn: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = { o, args, kwargs in
            guard let o, let a = MessageType.arguments(args, kwargs, ["template", "options"], function: "LogTemplate") else { return -1 }
            guard let textObj = a[0], let text = Py.string(textObj) else {
                Py.raise(ssw_exc_type_error(), "LogTemplate() expects the template as a str")
                return -1
            }
            var opts = TemplateOptions()
            opts.localHostname = GlobalOptions.hostname()
            do {
                let t = try Template(text, options: opts)
                TemplateType.templates[UnsafeMutableRawPointer(o)] = t
                return 0
            } catch {
                Py.raise(TemplateType.errorType, "Error compiling template: \(error)")
                return -1
            }
        }
        let strFn: @convention(c) (PyObjectPtr?) -> PyObjectPtr? = { o in
            guard let o else { return nil }
            return Py.str(TemplateType.templates[UnsafeMutableRawPointer(o)]?.text ?? "")
        }
        let deallocFn: @convention(c) (PyObjectPtr?) -> Void = { o in
            guard let o else { return }
            TemplateType.templates[UnsafeMutableRawPointer(o)] = nil
            ssw_type_free(o)
        }
        let newFn: @convention(c) (UnsafeMutablePointer<PyTypeObject>?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = { tp, _, _ in
            guard let tp else { return nil }
            return PyType_GenericAlloc(tp, 0)
        }
        let t = TypeBuilder.makeType(name: "_syslogng.LogTemplate", basicSize: MemoryLayout<PyObject>.size,
                                     flags: TypeBuilder.flagDefault | TypeBuilder.flagBaseType,
                                     slots: [(Py_tp_new, TypeBuilder.raw(newFn)), (Py_tp_init, TypeBuilder.raw(initFn)),
                                             (Py_tp_str, TypeBuilder.raw(strFn)), (Py_tp_dealloc, TypeBuilder.raw(deallocFn)),
                                             (Py_tp_methods, UnsafeMutableRawPointer(methods))])
        type = t
        return t
    }

    /// A new LogTemplate object for `text` (new reference), for `options(… LogTemplate("…"))`.
    static func make(_ text: String, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let t = type, let s = Py.str(text) else { return nil }
        defer { ssw_decref(s) }
        return Py.call(t, [s], gil)
    }

    static let format: TypeBuilder.VarargsKw = { o, args, kwargs in
        guard let o, let a = MessageType.arguments(args, kwargs, ["msg", "options", "tz", "seqnum"], function: "format") else { return nil }
        guard let m = a[0], let msg = MessageType.message(m) else {
            Py.raise(ssw_exc_type_error(), "LogMessage expected in the first parameter")
            return nil
        }
        guard let t = templates[UnsafeMutableRawPointer(o)] else { return nil }
        var out: [UInt8] = []
        var ctx = TemplateRenderContext()
        t.render(msg, into: &out, context: &ctx)
        return Py.bytes(out)
    }
}
