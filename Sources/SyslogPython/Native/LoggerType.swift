internal import CPython
import SyslogPythonRuntime
import SyslogCore

/// `_syslogng.Logger`: Python code logging into the daemon's internal messages (spec §8).
enum LoggerType {
    nonisolated(unsafe) static var type: PyObjectPtr?

    static func create() -> PyObjectPtr? {
        let methods = TypeBuilder.methodTable([
            .o("error", make(.error)), .o("warning", make(.warning)), .o("info", make(.info)),
            .o("debug", make(.debug)), .o("trace", make(.trace)),
        ])
        let newFn: @convention(c) (UnsafeMutablePointer<PyTypeObject>?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = { tp, _, _ in
            guard let tp else { return nil }
            return PyType_GenericAlloc(tp, 0)
        }
        let deallocFn: @convention(c) (PyObjectPtr?) -> Void = { o in if let o { ssw_type_free(o) } }
        let t = TypeBuilder.makeType(name: "_syslogng.Logger", basicSize: MemoryLayout<PyObject>.size,
                                     flags: TypeBuilder.flagDefault | TypeBuilder.flagBaseType,
                                     slots: [(Py_tp_new, TypeBuilder.raw(newFn)), (Py_tp_dealloc, TypeBuilder.raw(deallocFn)),
                                             (Py_tp_methods, UnsafeMutableRawPointer(methods))])
        type = t
        return t
    }

    private static func make(_ level: InternalLog.Level) -> TypeBuilder.Unary {
        switch level {
        case .error: return { _, a in LoggerType.log(.error, a) }
        case .warning: return { _, a in LoggerType.log(.warning, a) }
        case .info: return { _, a in LoggerType.log(.info, a) }
        case .debug: return { _, a in LoggerType.log(.debug, a) }
        default: return { _, a in LoggerType.log(.trace, a) }
        }
    }

    static func log(_ level: InternalLog.Level, _ arg: PyObjectPtr?) -> PyObjectPtr? {
        guard let arg, let text = Py.string(arg) else {
            Py.raise(ssw_exc_type_error(), "Logger methods take exactly one str argument")
            return nil
        }
        // Python's info() always reaches internal(), unlike the daemon's own info messages.
        InternalLog.shared.log(level == .info ? .notice : level, escaped(text), [], severityOverride: level)
        return ssw_new_none()
    }

    /// `;` and `\` in the text are backslash-escaped, as syslog-ng's event format does.
    static func escaped(_ s: String) -> String {
        guard s.contains(";") || s.contains("\\") else { return s }
        var out = ""
        for c in s {
            if c == ";" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
