internal import CPython
import SyslogPythonRuntime
import SyslogCore

/// What the Python drivers (sources, fetchers, destinations) share: class lookup, the options
/// dict, objects of the pure-Python `syslogng` package.
enum PythonDriverSupport {
    /// Runs a driver's initialisation with the GIL held, passing its error on.
    static func initialize(_ body: (borrowing GIL) throws(PipelineInitError) -> Void) throws(PipelineInitError) {
        let failure: PipelineInitError? = Python.attach { gil in
            do throws(PipelineInitError) {
                try body(gil)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Before a driver's class is looked up: the configuration's `python {}` namespace is
    /// importable as `_syslogng_main`, and `loaders()` are imported (failures logged).
    static func prepare(main: PyRef?, loaders: [String], _ gil: borrowing GIL) {
        if let main, let modules = PyImport_GetModuleDict() {
            PyDict_SetItemString(modules, "_syslogng_main", main.pointer)
        }
        for l in loaders {
            if let m = PyImport_ImportModule(l) { ssw_decref(m) } else {
                InternalLog.shared.error("Error loading Python module", [("module", l), ("exception", PythonException.fetch(gil)?.description ?? "")])
            }
        }
    }

    /// The error that refuses a configuration, logged with the driver and the exception (its
    /// traceback to stderr).
    static func initFailure(_ message: String, _ pairs: [(String, String)], _ exception: PythonException? = nil) -> PipelineInitError {
        var pairs = pairs
        if let e = exception {
            pairs.append(("exception", e.description))
            if !e.traceback.isEmpty { StandardError.write(e.traceback) }
        }
        InternalLog.shared.error(message, pairs)
        return PipelineInitError(message: message, pairs: pairs)
    }

    /// `init(options)` when the object has it: false when it raised (logged) or returned falsy.
    static func callInit(_ inst: PyObjectPtr, _ options: [(String, PythonOptionValue)], caller: String,
                         className: String, _ gil: borrowing GIL) -> Bool {
        guard let initFn = Py.attr(inst, "init", gil) else { return true }
        defer { ssw_decref(initFn) }
        guard let opts = optionsDict(options, gil) else { PyErr_Clear(); return false }
        defer { ssw_decref(opts) }
        guard let r = Py.call(initFn, [opts], gil) else {
            PythonException.fetch(gil)?.log(caller: caller, className: className, function: "init")
            return false
        }
        let truthy = PyObject_IsTrue(r)
        ssw_decref(r)
        if truthy < 0 { PyErr_Clear() }
        return truthy == 1
    }

    /// Calls the method `name` (e.g. `deinit`, `finalize`) when the object has it; an exception
    /// is logged.
    static func callIfPresent(_ inst: PyObjectPtr, _ name: String, caller: String, className: String, _ gil: borrowing GIL) {
        guard let f = Py.attr(inst, name, gil) else { return }
        defer { ssw_decref(f) }
        if let r = Py.call(f, [], gil) { ssw_decref(r) } else {
            PythonException.fetch(gil)?.log(caller: caller, className: className, function: name)
        }
    }

    /// `class()`: split at the last dot; no dot means the config's `python {}` block (new reference).
    static func resolveClass(_ className: String, main: PyRef?, _ gil: borrowing GIL) -> PyObjectPtr? {
        if let dot = className.lastIndex(of: ".") {
            let moduleName = String(className[..<dot])
            let attr = String(className[className.index(after: dot)...])
            guard let module = PyImport_ImportModule(moduleName) else { return nil }
            defer { ssw_decref(module) }
            return PyObject_GetAttrString(module, attr)
        }
        guard let main else {
            Py.raise(ssw_exc_attribute_error(), "no python {} block defines \(className)")
            return nil
        }
        return PyObject_GetAttrString(main.pointer, className)
    }

    /// Whether `cls` is a class deriving from `module.name`.
    static func isSubclass(_ cls: PyObjectPtr, of name: String, in module: String) -> Bool {
        guard ssw_type_check(cls) != 0, let m = PyImport_ImportModule(module) else { PyErr_Clear(); return false }
        defer { ssw_decref(m) }
        guard let base = PyObject_GetAttrString(m, name) else { PyErr_Clear(); return false }
        defer { ssw_decref(base) }
        let r = PyObject_IsSubclass(cls, base)
        if r < 0 { PyErr_Clear() }
        return r == 1
    }

    /// `module.name(*args)` (new reference), nil with the exception cleared.
    static func call(_ module: String, _ name: String, _ args: [PyObjectPtr], _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let m = PyImport_ImportModule(module) else { PyErr_Clear(); return nil }
        defer { ssw_decref(m) }
        guard let f = PyObject_GetAttrString(m, name) else { PyErr_Clear(); return nil }
        defer { ssw_decref(f) }
        let r = Py.call(f, args, gil)
        if r == nil { PyErr_Clear() }
        return r
    }

    /// An `IntegerPointer` reading item 0 of the list `box` (new reference).
    static func integerPointer(over box: PyObjectPtr, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let getitem = PyObject_GetAttrString(box, "__getitem__") else { PyErr_Clear(); return nil }
        defer { ssw_decref(getitem) }
        guard let zero = PyLong_FromLong(0) else { PyErr_Clear(); return nil }
        defer { ssw_decref(zero) }
        guard let partial = call("functools", "partial", [getitem, zero], gil) else { return nil }
        defer { ssw_decref(partial) }
        return call("syslogng.integer_pointer", "IntegerPointer", [partial], gil)
    }

    /// The `options()` dict passed to `init()` and `generate_persist_name()` (new reference).
    static func optionsDict(_ options: [(String, PythonOptionValue)], _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let d = PyDict_New() else { return nil }
        for (k, v) in options {
            guard let o = pyValue(v, gil) else { ssw_decref(d); return nil }
            PyDict_SetItemString(d, k, o)
            ssw_decref(o)
        }
        return d
    }

    private static func pyValue(_ v: PythonOptionValue, _ gil: borrowing GIL) -> PyObjectPtr? {
        switch v {
        case .string(let s): return Py.str(s)
        case .int(let i): return PyLong_FromLongLong(i)
        case .float(let d): return PyFloat_FromDouble(d)
        case .bool(let b): return ssw_new_bool(b ? 1 : 0)
        case .list(let items):
            guard let l = PyList_New(items.count) else { return nil }
            for (i, s) in items.enumerated() { PyList_SetItem(l, i, Py.str(s)) }
            return l
        case .template(let text):
            return TemplateType.make(text, gil)
        }
    }
}
