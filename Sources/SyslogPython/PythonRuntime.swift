internal import CPython
import Synchronization

/// The embedded CPython interpreter (Debian's libpython3.11), initialised once per process.
///
/// This issue only proves the link and the start-up/GIL model; the `python()` source builds on it.
/// - Note: After `initialize()` the calling thread does not hold the GIL; use ``withGIL(_:)``.
public enum PythonRuntime {
    /// Serialises the first initialisation.
    private static let initLock = Mutex<Void>(())

    /// The version string of the linked library, e.g. `3.11.2 (main, …) [GCC 12.2.0]`.
    public static var libraryVersion: String {
        String(cString: Py_GetVersion())
    }

    /// Initialises the interpreter without Python's own signal handlers and releases the GIL.
    /// Safe to call more than once.
    public static func initialize() {
        initLock.withLock { _ in
            guard Py_IsInitialized() == 0 else { return }
            var config = PyConfig()
            PyConfig_InitPythonConfig(&config)
            config.install_signal_handlers = 0
            config.parse_argv = 0
            _ = Py_InitializeFromConfig(&config)
            PyConfig_Clear(&config)
            _ = PyEval_SaveThread()
        }
    }

    /// Runs `body` holding the GIL (from any OS thread).
    public static func withGIL<T>(_ body: () throws -> T) rethrows -> T {
        let g = PyGILState_Ensure()
        defer { PyGILState_Release(g) }
        return try body()
    }

    /// Evaluates a Python expression and returns `str()` of the result, or the exception text.
    public static func evaluate(_ expression: String) -> Result<String, PythonError> {
        initialize()
        return withGIL {
            guard let main = PyImport_AddModule("__main__"), let globals = PyModule_GetDict(main) else {
                return .failure(PythonError(message: "no __main__ module"))
            }
            guard let result = PyRun_StringFlags(expression, Py_eval_input, globals, globals, nil) else {
                return .failure(PythonError.fetch())
            }
            defer { Py_DecRef(result) }
            guard let s = PyObject_Str(result), let c = PyUnicode_AsUTF8(s) else {
                return .failure(PythonError.fetch())
            }
            defer { Py_DecRef(s) }
            return .success(String(cString: c))
        }
    }
}

/// A Python exception turned into a Swift error (type and message).
public struct PythonError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }

    /// Takes the current Python exception (the GIL must be held).
    static func fetch() -> PythonError {
        var type: UnsafeMutablePointer<PyObject>?
        var value: UnsafeMutablePointer<PyObject>?
        var tb: UnsafeMutablePointer<PyObject>?
        PyErr_Fetch(&type, &value, &tb)
        PyErr_NormalizeException(&type, &value, &tb)
        defer {
            if let type { Py_DecRef(type) }
            if let value { Py_DecRef(value) }
            if let tb { Py_DecRef(tb) }
        }
        var text = "exception"
        if let type, let name = PyObject_GetAttrString(type, "__name__") {
            if let c = PyUnicode_AsUTF8(name) { text = String(cString: c) }
            Py_DecRef(name)
        }
        if let value, let s = PyObject_Str(value) {
            if let c = PyUnicode_AsUTF8(s) { text += ": " + String(cString: c) }
            Py_DecRef(s)
        }
        return PythonError(message: text)
    }
}
