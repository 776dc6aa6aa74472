internal import CPython
import Synchronization
import SyslogCore

/// The embedded CPython interpreter (Debian's libpython3.11), initialised once per process, the
/// first time a configuration uses Python.
///
/// - Note: After `initialize()` the calling thread does not hold the GIL; use `Python.attach`.
public enum PythonRuntime {
    /// Serialises the first initialisation.
    private static let initLock = Mutex<Void>(())

    /// Directories put in front of `sys.path` at start-up (the config's `python/` directory and
    /// where the `syslogng` package is); set before the first `initialize()`.
    nonisolated(unsafe) public static var extraPaths: [String] = []
    /// Run right before the interpreter starts, once (the drivers register `_syslogng` there).
    nonisolated(unsafe) package static var beforeStart: [() -> Void] = []

    /// The version string of the library, e.g. `3.11.2 (main, …) [GCC 12.2.0]` (opening it).
    public static var libraryVersion: String {
        if let error = ssw_python_load() { return "unavailable (\(String(cString: error)))" }
        return String(cString: Py_GetVersion())
    }

    /// Opens libpython (it is not mapped until a configuration uses Python).
    public static func load() throws(PythonInitError) {
        if let error = ssw_python_load() {
            throw PythonInitError(message: "Error loading the Python library: " + String(cString: error))
        }
    }

    /// Whether the interpreter runs.
    public static var isInitialized: Bool { Py_IsInitialized() != 0 }

    /// Initialises the interpreter without Python's own signal handlers, registers `_syslogng`,
    /// honours `VIRTUAL_ENV`, and releases the GIL. Safe to call more than once.
    /// - Throws: a message when `VIRTUAL_ENV` does not point at a virtualenv.
    public static func initialize() throws(PythonInitError) {
        try load()
        try initLock.withLock { _ throws(PythonInitError) in
            guard Py_IsInitialized() == 0 else { return }
            for hook in beforeStart { hook() }
            var config = PyConfig()
            PyConfig_InitPythonConfig(&config)
            config.install_signal_handlers = 0
            config.parse_argv = 0
            config.user_site_directory = 0
            if let venv = getenv("VIRTUAL_ENV").map({ String(cString: $0) }), !venv.isEmpty {
                let python = venv + "/bin/python"
                guard access(python, X_OK) == 0 else {
                    PyConfig_Clear(&config)
                    throw PythonInitError(message: "python: environment variable VIRTUAL_ENV is set, but does not point to a valid virtualenv; VIRTUAL_ENV='\(venv)'")
                }
                setProgramName(&config, python)
            } else {
                setProgramName(&config, "syslog-ng")
            }
            let status = Py_InitializeFromConfig(&config)
            PyConfig_Clear(&config)
            if PyStatus_Exception(status) != 0 {
                let msg = status.err_msg.map { String(cString: $0) } ?? "unknown error"
                throw PythonInitError(message: "Error initializing the Python interpreter; error='\(msg)'")
            }
            if let sys = PyImport_ImportModule("sys"), let path = PyObject_GetAttrString(sys, "path") {
                for (i, p) in extraPaths.enumerated() {
                    if let s = Py.str(p) {
                        PyList_Insert(path, i, s)
                        ssw_decref(s)
                    }
                }
                ssw_decref(path)
                ssw_decref(sys)
            }
            PyErr_Clear()
            _ = PyEval_SaveThread()
        }
    }

    private static func setProgramName(_ config: inout PyConfig, _ name: String) {
        withUnsafeMutablePointer(to: &config) { p in
            _ = PyConfig_SetBytesString(p, &p.pointee.program_name, name)
        }
    }


    /// Evaluates a Python expression and returns `str()` of the result, or the exception text.
    public static func evaluate(_ expression: String) -> Result<String, PythonError> {
        do { try initialize() } catch { return .failure(PythonError(message: error.message)) }
        return Python.attach { gil in
            guard let main = PyImport_AddModule("__main__"), let globals = PyModule_GetDict(main) else {
                return .failure(PythonError(message: "no __main__ module"))
            }
            guard let result = PyRun_StringFlags(expression, Py_eval_input, globals, globals, nil) else {
                return .failure(PythonError.fetch(gil))
            }
            defer { Py_DecRef(result) }
            guard let s = PyObject_Str(result), let c = PyUnicode_AsUTF8(s) else {
                return .failure(PythonError.fetch(gil))
            }
            defer { Py_DecRef(s) }
            return .success(String(cString: c))
        }
    }
}

/// The interpreter could not start.
public struct PythonInitError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A Python exception turned into a Swift error (type and message).
public struct PythonError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    /// Takes the current Python exception (the GIL must be held).
    static func fetch(_ gil: borrowing GIL) -> PythonError {
        guard let e = PythonException.fetch(gil) else { return PythonError(message: "unknown Python error") }
        return PythonError(message: e.description)
    }
}
