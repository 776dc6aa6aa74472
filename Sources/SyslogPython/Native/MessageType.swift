internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `_syslogng.LogMessage`: a Python object over a daemon ``LogMessage`` (spec §7).
enum MessageType {
    /// The type object, created once at module init (GIL held); read-only afterwards.
    nonisolated(unsafe) static var type: PyObjectPtr?

    static func create() -> PyObjectPtr? {
        let methods = TypeBuilder.methodTable([
            .varargsKw("get", get),
            .varargsKw("get_as_str", getAsStr),
            .noArgs("keys", keys),
            .o("set_pri", setPri),
            .noArgs("get_pri", getPri),
            .o("set_timestamp", setTimestamp),
            .noArgs("get_timestamp", getTimestamp),
            .varargsKw("set_source_ipaddress", setSourceAddress),
            .o("set_recvd_rawmsg_size", setRawSize),
            .o("set_bookmark", setBookmarkMethod),
            .varargsKw("parse", parse, isStatic: true),
        ])
        let newFn: @convention(c) (UnsafeMutablePointer<PyTypeObject>?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = tpNew
        let initFn: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = tpInit
        let deallocFn: @convention(c) (PyObjectPtr?) -> Void = tpDealloc
        let getFn: @convention(c) (PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = getItem
        let setFn: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = assignSubscript
        let t = TypeBuilder.makeType(
            name: "_syslogng.LogMessage", basicSize: ssw_message_basicsize(),
            flags: TypeBuilder.flagDefault | TypeBuilder.flagBaseType | TypeBuilder.flagImmutableType,
            slots: [(Py_tp_new, TypeBuilder.raw(newFn)), (Py_tp_init, TypeBuilder.raw(initFn)),
                    (Py_tp_dealloc, TypeBuilder.raw(deallocFn)), (Py_mp_subscript, TypeBuilder.raw(getFn)),
                    (Py_mp_ass_subscript, TypeBuilder.raw(setFn)), (Py_tp_methods, UnsafeMutableRawPointer(methods))])
        if let t { ssw_set_type_vectorcall(t, vectorcall) }
        type = t
        return t
    }

    // MARK: object <-> Swift message

    @inline(__always)
    static func object(_ o: PyObjectPtr) -> UnsafeMutablePointer<SswMessageObject> {
        UnsafeMutableRawPointer(o).assumingMemoryBound(to: SswMessageObject.self)
    }

    /// The Swift message behind a LogMessage object (nil when not a LogMessage).
    @inline(__always)
    static func message(_ o: PyObjectPtr) -> LogMessage? {
        guard let t = type, PyObject_TypeCheck(o, UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)) != 0,
              let raw = object(o).pointee.message else { return nil }
        return Unmanaged<LogMessage>.fromOpaque(raw).takeUnretainedValue()
    }

    /// A new LogMessage object for `msg` (new reference).
    static func wrap(_ msg: LogMessage, compat: Bool = false, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let t = type else { return nil }
        let tp = UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)
        guard let o = PyType_GenericAlloc(tp, 0) else { return nil }
        object(o).pointee.message = Unmanaged.passRetained(msg).toOpaque()
        object(o).pointee.compat = compat ? 1 : 0
        return o
    }

    /// Replaces the object's bookmark (None or nil: no bookmark).
    static func setBookmark(_ o: PyObjectPtr, _ bookmark: PyObjectPtr?) {
        let old = object(o).pointee.bookmark
        if let b = bookmark, ssw_is_none(b) == 0 {
            ssw_incref(b)
            object(o).pointee.bookmark = b
        } else {
            object(o).pointee.bookmark = nil
        }
        ssw_xdecref(old)
    }

    /// The object's bookmark (borrowed), nil when it has none.
    @inline(__always)
    static func bookmark(_ o: PyObjectPtr) -> PyObjectPtr? { object(o).pointee.bookmark }

    /// Marks the object read-only (after posting) and returns its message.
    static func freeze(_ o: PyObjectPtr) { object(o).pointee.frozen = 1 }

    // MARK: slots

    static let tpNew: @convention(c) (UnsafeMutablePointer<PyTypeObject>?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = { tp, _, _ in
        guard let tp, let o = PyType_GenericAlloc(tp, 0) else { return nil }
        object(o).pointee.message = Unmanaged.passRetained(LogMessage()).toOpaque()
        return o
    }

    /// `LogMessage(text)` with one str: the common case, built without an argument tuple.
    /// Everything else (subclasses, keywords, bytes, None) takes the ordinary type call.
    static let vectorcall: @convention(c) (PyObjectPtr?, UnsafePointer<PyObjectPtr?>?, Int, PyObjectPtr?) -> PyObjectPtr? = { callable, args, nargsf, kwnames in
        guard let callable, let t = type, callable == t, kwnames == nil,
              ssw_vectorcall_nargs(nargsf) == 1, let arg = args?[0], ssw_unicode_check_exact(arg) != 0
        else { return ssw_type_call_vector(callable, args, nargsf, kwnames) }
        var size: Py_ssize_t = 0
        guard let p = PyUnicode_AsUTF8AndSize(arg, &size) else { return nil }
        let text = p.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
        let tp = UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)
        guard let o = PyType_GenericAlloc(tp, 0) else { return nil }
        object(o).pointee.message = Unmanaged.passRetained(LogMessage(message: text)).toOpaque()
        return o
    }

    static let tpInit: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = { selfObj, args, kwargs in
        guard let selfObj, let msg = message(selfObj) else { return -1 }
        var text: PyObjectPtr?
        var bookmark: PyObjectPtr?
        if let args {
            let n = ssw_tuple_size(args)
            if n > 2 {
                Py.raise(ssw_exc_type_error(), "LogMessage() takes at most 2 arguments (\(n) given)")
                return -1
            }
            if n >= 1 { text = ssw_tuple_item(args, 0) }
            if n == 2 { bookmark = ssw_tuple_item(args, 1) }
        }
        if let kwargs {
            if let m = PyDict_GetItemString(kwargs, "message") { text = m }
            if let b = PyDict_GetItemString(kwargs, "bookmark") { bookmark = b }
            let known = (PyDict_GetItemString(kwargs, "message") != nil ? 1 : 0)
                + (PyDict_GetItemString(kwargs, "bookmark") != nil ? 1 : 0)
            if PyDict_Size(kwargs) > known {
                Py.raise(ssw_exc_type_error(), "LogMessage() got an unexpected keyword argument")
                return -1
            }
        }
        setBookmark(selfObj, bookmark)
        guard let text, ssw_is_none(text) == 0 else { return 0 }
        if ssw_unicode_check(text) != 0 {
            var size: Py_ssize_t = 0
            guard let p = PyUnicode_AsUTF8AndSize(text, &size) else { return -1 }
            msg[.message] = .string(p.withMemoryRebound(to: UInt8.self, capacity: size) {
                String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
            })
            return 0
        }
        if let b = Py.utf8Bytes(text) {
            msg[.message] = .string(bytes: b)
            return 0
        }
        Py.raise(ssw_exc_type_error(), "LogMessage() argument must be str, bytes or None")
        return -1
    }

    static let tpDealloc: @convention(c) (PyObjectPtr?) -> Void = { o in
        guard let o else { return }
        if let raw = object(o).pointee.message {
            Unmanaged<LogMessage>.fromOpaque(raw).release()
            object(o).pointee.message = nil
        }
        setBookmark(o, nil)
        ssw_type_free(o)
    }

    /// The name a key refers to (str or bytes), aliases resolved; nil with TypeError set.
    static func keyName(_ key: PyObjectPtr) -> String? {
        guard let b = Py.utf8Bytes(key) else {
            Py.raise(ssw_exc_type_error(), "key is not a string object")
            return nil
        }
        let name = String(decoding: b, as: UTF8.self)
        switch name {
        case "MSG", "MSGONLY": return "MESSAGE"
        case "FULLHOST": return "HOST"
        case "FULLHOST_FROM": return "HOST_FROM"
        default: return name
        }
    }

    /// The Python value of `name`: a macro's rendering, or the typed stored value; nil = unset.
    static func value(_ msg: LogMessage, _ name: String, _ gil: borrowing GIL) -> PyObjectPtr?? {
        if MacroNames.isMacro(name) {
            let t = MacroCache.template(for: name)
            var out: [UInt8] = []
            var ctx = TemplateRenderContext()
            t?.render(msg, into: &out, context: &ctx)
            return .some(typedMacro(name, out, gil) ?? Py.bytes(out))
        }
        guard let v = msg[name] else { return .none }
        guard let o = pyObject(v, gil) else { return .none }
        return .some(o)
    }

    /// Macros that carry a type come back typed (spec §7.2); nil: return the bytes.
    static func typedMacro(_ name: String, _ text: [UInt8], _ gil: borrowing GIL) -> PyObjectPtr? {
        guard !text.isEmpty else { return nil }
        let s = String(decoding: text, as: UTF8.self)
        switch name {
        case "SEVERITY_NUM", "LEVEL_NUM", "FACILITY_NUM":
            return Int64(s).map { PyLong_FromLongLong($0) }
        case "TAGS":
            return pyObject(.list(s.split(separator: ",").map(String.init)), gil)
        case "UNIXTIME", "R_UNIXTIME", "S_UNIXTIME", "C_UNIXTIME":
            let parts = s.split(separator: ".", maxSplits: 1)
            guard let secs = Int64(parts[0]) else { return nil }
            var usec: Int32 = 0
            if parts.count == 2 {
                let frac = String(parts[1].prefix(6))
                guard let f = Int32(frac) else { return nil }
                usec = f * Int32([1, 100_000, 10_000, 1000, 100, 10, 1][frac.count])
            }
            return pyObject(.datetime(LogStamp(seconds: secs, microseconds: usec, utcOffset: 0)), gil)
        default:
            return nil
        }
    }

    private static func pyObject(_ v: LogValue, _ gil: borrowing GIL) -> PyObjectPtr? {
        ValueConversion.pyObject(for: v, gil)
    }

    static let getItem: @convention(c) (PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = { selfObj, key in
        Python.entry(failing: nil) { gil -> PyObjectPtr? in
            guard let selfObj, let key, let msg = message(selfObj), let name = keyName(key) else { return nil }
            let compat = object(selfObj).pointee.compat != 0
            switch value(msg, name, gil) {
            case .some(let o):
                guard compat, ssw_bytes_check(o) == 0 else { return o }
                // Compatibility mode: every value reads as the bytes of its text.
                defer { ssw_decref(o) }
                var text: [UInt8] = []
                msg[name]?.append(to: &text)
                return Py.bytes(text)
            case .none:
                if compat { return Py.bytes([UInt8]()) }
                Py.raiseObject(ssw_exc_key_error(), "No such name-value pair \(name)")
                return nil
            }
        }
    }

    static let assignSubscript: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = { selfObj, key, val in
        guard let selfObj, let key, let msg = message(selfObj), let name = keyName(key) else { return -1 }
        guard let val else {
            Py.raise(ssw_exc_type_error(), "LogMessage does not support deleting name-value pairs (del msg[\"\(name)\"])")
            return -1
        }
        if object(selfObj).pointee.frozen != 0 {
            Py.raise(ssw_exc_type_error(), "Log message is read only, cannot set name-value pair \(name), the message was already posted")
            return -1
        }
        if object(selfObj).pointee.compat != 0 && ssw_unicode_check(val) == 0 && ssw_bytes_check(val) == 0 {
            Py.raise(ssw_exc_type_error(), "str or bytes expected: values are strings in compatibility mode (@version < 4.0)")
            return -1
        }
        return Python.entry(failing: -1) { gil in
            guard let v = ValueConversion.logValue(from: val, gil) else { return -1 }
            msg[name] = v
            return 0
        }
    }
}

/// Compiled single-macro templates for `msg["DATE"]`-style reads (GIL-protected cache).
enum MacroCache {
    nonisolated(unsafe) private static var cache: [String: Template] = [:]

    static func template(for name: String) -> Template? {
        if let t = cache[name] { return t }
        var opts = TemplateOptions()
        opts.localHostname = GlobalOptions.hostname()
        let t = try? Template("${\(name)}", options: opts)
        cache[name] = t
        return t
    }
}
