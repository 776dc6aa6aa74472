internal import CPython
import SyslogPythonRuntime
import SyslogCore

/// The `_syslogng` module functions: those behind `syslogng.Persist` (spec §5.3: the Python
/// class checks names, keys and value types; these read and write the daemon's persist file),
/// and the template helpers of spec §9.
enum ModuleFunctions {
    nonisolated(unsafe) static let table = TypeBuilder.methodTable([
        .o("_persist_open", open),
        .o("_persist_get", get),
        .varargsKw("_persist_set", set),
        .o("_persist_keys", keys),
        .noArgs("_template_defaults", TemplateType.defaults),
        .o("_installation_path_for", installationPath),
    ])

    /// The store, or nil with RuntimeError raised (and the error logged) before the first
    /// configuration is initialised.
    private static func store() -> PersistStore? {
        if let s = PersistStore.ready { return s }
        InternalLog.shared.error("Attempting to use persist_state while the configuration is not yet initialized, please use Persist() in or after the init() method")
        Py.raise(ssw_exc_runtime_error(), "persist_state is not yet available")
        return nil
    }

    /// `_persist_open(name)`: raises unless the persist file can be used now.
    static let open: TypeBuilder.Unary = { _, _ in
        guard store() != nil else { return nil }
        return ssw_new_none()
    }

    /// `_persist_get(key)`: the stored str, int or bytes, or None.
    static let get: TypeBuilder.Unary = { _, key in
        guard let key, let k = Py.string(key) else {
            Py.raise(ssw_exc_type_error(), "key is not a string object")
            return nil
        }
        guard let s = store() else { return nil }
        switch s.get(k) {
        case .string(let v): return Py.str(v)
        case .int(let i): return PyLong_FromLongLong(i)
        case .bytes(let b): return Py.bytes(b)
        case nil: return ssw_new_none()
        }
    }

    /// `_persist_set(key, value)`: True when stored.
    static let set: TypeBuilder.VarargsKw = { _, args, _ in
        guard let args, ssw_tuple_size(args) == 2, let key = ssw_tuple_item(args, 0),
              let value = ssw_tuple_item(args, 1), let k = Py.string(key) else {
            Py.raise(ssw_exc_type_error(), "key is not a string object")
            return nil
        }
        let v: PersistValue
        if ssw_bytes_check(value) != 0, let b = Py.utf8Bytes(value) {
            v = .bytes(b)
        } else if ssw_unicode_check(value) != 0, let str = Py.string(value) {
            v = .string(str)
        } else if ssw_long_check(value) != 0 && ssw_bool_check(value) == 0 {
            var overflow: Int32 = 0
            let i = PyLong_AsLongLongAndOverflow(value, &overflow)
            if overflow != 0 {
                Py.raise(ssw_exc_overflow_error(), "Python int too large to convert to a 64-bit integer")
                return nil
            }
            v = .int(Int64(i))
        } else {
            Py.raise(ssw_exc_type_error(), "Value must be either string, integer or bytes")
            return nil
        }
        guard let s = store() else { return nil }
        // Without the GIL: a write may wait for the disk (compaction syncs the file).
        let stored = Python.entry(failing: false) { gil in gil.detach { s.set(k, v) } }
        return ssw_new_bool(stored ? 1 : 0)
    }

    /// `_persist_keys(prefix)`: the stored keys that start with `prefix`, without it.
    static let keys: TypeBuilder.Unary = { _, prefix in
        guard let prefix, let p = Py.string(prefix) else {
            Py.raise(ssw_exc_type_error(), "prefix is not a string object")
            return nil
        }
        guard let s = store() else { return nil }
        let ks = s.keys(withPrefix: p)
        guard let list = PyList_New(ks.count) else { return nil }
        for (i, k) in ks.enumerated() { PyList_SetItem(list, i, Py.str(k)) }
        return list
    }

    /// `get_installation_path_for(path)`: `${prefix}`, `${exec_prefix}`, `${datadir}` and
    /// `${moduledir}` expanded for this installation.
    static let installationPath: TypeBuilder.Unary = { _, arg in
        guard let arg, let text = Py.string(arg) else {
            Py.raise(ssw_exc_type_error(), "get_installation_path_for() expects a str")
            return nil
        }
        return Py.str(InstallPaths.expand(text))
    }
}
