internal import CPython
import SyslogPythonRuntime
import SyslogCore

/// The built-in `_syslogng` module: native types the pure-Python `syslogng` package wraps.
enum NativeModule {
    /// Registers `_syslogng` as a built-in module; must run before the interpreter starts.
    static func registerBuiltin() {
        // The table keeps the name pointer: it must live for the process.
        let rc = PyImport_AppendInittab(TypeBuilder.cString("_syslogng"), initModule)
        if rc != 0 { StandardError.write("PyImport_AppendInittab failed: \(rc)\n") }
    }

    private static let initModule: @convention(c) () -> PyObjectPtr? = {
        let def = UnsafeMutablePointer<PyModuleDef>.allocate(capacity: 1)
        def.initialize(to: PyModuleDef(
            m_base: PyModuleDef_Base(ob_base: PyObject(ob_refcnt: 1, ob_type: nil), m_init: nil, m_index: 0, m_copy: nil),
            m_name: TypeBuilder.cString("_syslogng"), m_doc: TypeBuilder.cString("Syslog-Swift native objects"),
            m_size: -1, m_methods: ModuleFunctions.table, m_slots: nil, m_traverse: nil, m_clear: nil, m_free: nil))
        guard let module = PyModule_Create2(def, 1013) else { return nil }
        ValueConversion.datetimeAPI = ssw_datetime_api()
        PyErr_Clear()
        let types: [(String, () -> PyObjectPtr?)] = [
            ("LogMessage", MessageType.create), ("LogSource", SourceType.create), ("LogFetcher", SourceType.createFetcher),
            ("Logger", LoggerType.create),
        ]
        for (name, make) in types {
            guard let t = make() else {
                ssw_decref(module)
                return nil
            }
            ssw_incref(t)
            if PyModule_AddObject(module, name, t) < 0 {
                ssw_decref(t)
                ssw_decref(module)
                return nil
            }
        }
        guard let tt = TemplateType.create(module: module) else {
            ssw_decref(module)
            return nil
        }
        ssw_incref(tt)
        PyModule_AddObject(module, "LogTemplate", tt)
        return module
    }
}
