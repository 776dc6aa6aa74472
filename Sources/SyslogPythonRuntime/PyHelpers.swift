internal import CPython
import SyslogCore

/// Small conveniences over the CPython C API. All require the GIL (the caller passes it).
package enum Py {
    /// `callable(*args)`; borrowed arguments; a new reference or nil with an exception set.
    package static func call(_ callable: PyObjectPtr, _ args: [PyObjectPtr], _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let tuple = PyTuple_New(args.count) else { return nil }
        for (i, a) in args.enumerated() {
            ssw_incref(a)
            PyTuple_SetItem(tuple, i, a)
        }
        defer { ssw_decref(tuple) }
        return PyObject_Call(callable, tuple, nil)
    }

    /// `obj.name` or nil (exception cleared when `clear`).
    package static func attr(_ obj: PyObjectPtr, _ name: String, clear: Bool = true, _ gil: borrowing GIL) -> PyObjectPtr? {
        let r = PyObject_GetAttrString(obj, name)
        if r == nil && clear { PyErr_Clear() }
        return r
    }

    /// A new `str` from Swift text.
    package static func str(_ s: String) -> PyObjectPtr? {
        var s = s
        return s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { PyUnicode_FromStringAndSize($0.baseAddress, buf.count) }
        }
    }

    /// A new `bytes` object.
    package static func bytes<C: Collection>(_ b: C) -> PyObjectPtr? where C.Element == UInt8 {
        let arr = Array(b)
        return arr.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { PyBytes_FromStringAndSize($0.baseAddress, buf.count) }
        }
    }

    /// Swift text of a `str` (nil if not a str).
    package static func string(_ o: PyObjectPtr) -> String? {
        guard ssw_unicode_check(o) != 0 else { return nil }
        var size: Py_ssize_t = 0
        guard let p = PyUnicode_AsUTF8AndSize(o, &size) else { PyErr_Clear(); return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
    }

    /// Bytes of a `str` (UTF-8) or `bytes` object, nil for other types.
    package static func utf8Bytes(_ o: PyObjectPtr) -> [UInt8]? {
        if ssw_bytes_check(o) != 0 {
            let n = PyBytes_Size(o)
            guard let p = PyBytes_AsString(o) else { return nil }
            return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
        }
        if ssw_unicode_check(o) != 0 {
            var size: Py_ssize_t = 0
            guard let p = PyUnicode_AsUTF8AndSize(o, &size) else { return nil }
            return p.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
        }
        return nil
    }

    /// `str(o)` as Swift text.
    package static func describe(_ o: PyObjectPtr) -> String {
        guard let s = PyObject_Str(o) else { PyErr_Clear(); return "<unprintable>" }
        defer { ssw_decref(s) }
        return string(s) ?? "<unprintable>"
    }

    /// Sets an exception whose argument is the message object (KeyError shows it quoted).
    package static func raiseObject(_ type: PyObjectPtr?, _ message: String) {
        guard let m = str(message) else { return }
        PyErr_SetObject(type, m)
        ssw_decref(m)
    }

    /// Sets a Python exception of `type` with `message`.
    package static func raise(_ type: PyObjectPtr?, _ message: String) {
        PyErr_SetString(type, message)
    }
}

/// A Python exception taken out of the interpreter: its type name, text and traceback.
package struct PythonException: Error, CustomStringConvertible {
    package var typeName: String
    package var text: String
    /// The formatted traceback (as `traceback.format_exception`), empty when unavailable.
    package var traceback: String

    /// `Type: text`, as syslog-ng logs exceptions.
    package var description: String { text.isEmpty ? typeName : "\(typeName): \(text)" }

    /// Takes (and clears) the current exception; nil when none is set.
    package static func fetch(_ gil: borrowing GIL) -> PythonException? {
        var type: PyObjectPtr?
        var value: PyObjectPtr?
        var tb: PyObjectPtr?
        PyErr_Fetch(&type, &value, &tb)
        guard type != nil else { return nil }
        PyErr_NormalizeException(&type, &value, &tb)
        defer {
            ssw_xdecref(type)
            ssw_xdecref(value)
            ssw_xdecref(tb)
        }
        var name = "Exception"
        if let type, let n = Py.attr(type, "__name__", gil) {
            name = Py.string(n) ?? name
            ssw_decref(n)
        }
        let text = value.map { Py.describe($0) } ?? ""
        var formatted = ""
        if let type, let value, let mod = PyImport_ImportModule("traceback") {
            defer { ssw_decref(mod) }
            if let fmt = Py.attr(mod, "format_exception", gil) {
                defer { ssw_decref(fmt) }
                if let lines = Py.call(fmt, [type, value, tb ?? ssw_none()], gil) {
                    defer { ssw_decref(lines) }
                    if let empty = Py.str(""), let joined = PyUnicode_Join(empty, lines) {
                        formatted = Py.string(joined) ?? ""
                        ssw_decref(joined)
                        ssw_decref(empty)
                    }
                }
            }
            PyErr_Clear()
        }
        return PythonException(typeName: name, text: text, traceback: formatted)
    }

    /// Logs "Exception while calling a Python function" with syslog-ng's tags and prints the
    /// traceback to stderr; an ImportError gets a hint.
    package func log(caller: String, className: String, function: String) {
        InternalLog.shared.error("Exception while calling a Python function", [
            ("caller", caller), ("class", className), ("function", function), ("exception", description),
        ])
        if !traceback.isEmpty { StandardError.write(traceback) }
        if typeName == "ImportError" || typeName == "ModuleNotFoundError" {
            InternalLog.shared.error("Python module import failed; install the missing module with pip (or into the virtualenv the daemon uses)", [("exception", description)])
        }
    }
}
