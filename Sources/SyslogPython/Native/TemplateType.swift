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
    /// The constructor's LogTemplateOptions, by object address.
    nonisolated(unsafe) private static var options: [UnsafeMutableRawPointer: PyRef] = [:]
    /// Template options of the running configuration (`LogTemplateOptions()` defaults); written
    /// and read with the GIL held.
    nonisolated(unsafe) static var configOptions = TemplateOptions()

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
            // options, when given, must be a LogTemplateOptions (None included: spec TP-05).
            if let opts = a[1], !TemplateType.isOptions(opts) {
                Py.raise(ssw_exc_type_error(), "LogTemplate() options must be a LogTemplateOptions instance")
                return -1
            }
            var opts = TemplateOptions()
            opts.localHostname = GlobalOptions.hostname()
            do {
                let t = try Template(text, options: opts)
                let key = UnsafeMutableRawPointer(o)
                TemplateType.templates[key] = t
                if let given = a[1] { ssw_incref(given) }
                TemplateType.options[key] = PyRef(owned: a[1])
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
            TemplateType.options[UnsafeMutableRawPointer(o)] = nil
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

    /// A new LogTemplate object for `text` (new reference), for `options(… LogTemplate("…"))`:
    /// It carries the configuration's template options, so `format(msg)` needs none.
    static func make(_ text: String, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let t = type, let s = Py.str(text) else { return nil }
        defer { ssw_decref(s) }
        guard let module = PyImport_ImportModule("syslogng.template") else { return nil }
        defer { ssw_decref(module) }
        guard let cls = PyObject_GetAttrString(module, "LogTemplateOptions") else { return nil }
        defer { ssw_decref(cls) }
        guard let opts = Py.call(cls, [], gil) else { return nil }
        defer { ssw_decref(opts) }
        return Py.call(t, [s, opts], gil)
    }

    /// `format(msg, options=None, tz=LTZ_SEND, seqnum=0)`: the options of the call or of the
    /// constructor (one of them is required), rendered in the send time zone (`LTZ_SEND`, 1) or
    /// the local one (`LTZ_LOCAL`, 0); `seqnum` is `$SEQNUM`.
    static let format: TypeBuilder.VarargsKw = { o, args, kwargs in
        guard let o, let a = MessageType.arguments(args, kwargs, ["msg", "options", "tz", "seqnum"], function: "format") else { return nil }
        guard let m = a[0], let msg = MessageType.message(m) else {
            Py.raise(ssw_exc_type_error(), "LogMessage expected in the first parameter")
            return nil
        }
        let key = UnsafeMutableRawPointer(o)
        guard let t = templates[key] else { return nil }
        var optsObj = a[1].flatMap { ssw_is_none($0) != 0 ? nil : $0 }
        if let given = optsObj, !isOptions(given) {
            Py.raise(ssw_exc_type_error(), "format() options must be a LogTemplateOptions instance")
            return nil
        }
        if optsObj == nil, let stored = options[key], ssw_is_none(stored.pointer) == 0 { optsObj = stored.pointer }
        guard let optsObj else {
            Py.raise(ssw_exc_runtime_error(), "LogTemplateOptions must be provided either in the LogTemplate constructor or as parameter of format")
            return nil
        }
        let tz = a[2].map { PyLong_AsLong($0) } ?? 1
        let seqnum = a[3].map { PyLong_AsLongLong($0) } ?? 0
        if PyErr_Occurred() != nil { return nil }
        var opts = templateOptions(optsObj)
        if tz == 0 { opts.timeZone = LocalZone.offset(at: msg.stamp.seconds) }
        let template: Template
        if opts == t.options {
            template = t
        } else {
            do {
                template = try Template(t.text, options: opts)
            } catch {
                Py.raise(errorType, "Error compiling template: \(error)")
                return nil
            }
        }
        var subject = msg
        if seqnum != 0 {
            subject = msg.clone()
            subject.sequence = UInt64(truncatingIfNeeded: seqnum)
        }
        var out: [UInt8] = []
        var ctx = TemplateRenderContext()
        template.render(subject, into: &out, context: &ctx)
        return Py.bytes(out)
    }

    /// Whether `o` is a `syslogng.LogTemplateOptions`.
    static func isOptions(_ o: PyObjectPtr) -> Bool {
        guard let module = PyImport_ImportModule("syslogng.template") else { PyErr_Clear(); return false }
        defer { ssw_decref(module) }
        guard let cls = PyObject_GetAttrString(module, "LogTemplateOptions") else { PyErr_Clear(); return false }
        defer { ssw_decref(cls) }
        return PyObject_IsInstance(o, cls) == 1
    }

    /// The template options a LogTemplateOptions object carries (its `time_zone` as seconds
    /// east of UTC or None, `frac_digits`).
    static func templateOptions(_ o: PyObjectPtr) -> TemplateOptions {
        var opts = configOptions
        opts.localHostname = GlobalOptions.hostname()
        if let tz = PyObject_GetAttrString(o, "time_zone") {
            if ssw_is_none(tz) == 0 { opts.timeZone = Int32(truncatingIfNeeded: PyLong_AsLong(tz)) } else { opts.timeZone = nil }
            ssw_decref(tz)
        }
        if let fd = PyObject_GetAttrString(o, "frac_digits") {
            opts.fracDigits = max(0, min(9, PyLong_AsLong(fd)))
            ssw_decref(fd)
        }
        PyErr_Clear()
        return opts
    }

    /// `_syslogng._template_defaults()`: (send time zone in seconds or None, frac digits) of the
    /// current configuration, for `LogTemplateOptions()`.
    static let defaults: TypeBuilder.Unary = { _, _ in
        let o = configOptions
        let tz = o.timeZone.map { PyLong_FromLong(Int($0)) } ?? ssw_new_none()
        let tuple = PyTuple_New(2)
        if let tuple {
            PyTuple_SetItem(tuple, 0, tz)
            PyTuple_SetItem(tuple, 1, PyLong_FromLong(o.fracDigits))
        }
        return tuple
    }
}
