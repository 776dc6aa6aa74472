internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage

/// `_syslogng.LogSource`: the native base of Python server-style sources (spec §3, §4).
enum SourceType {
    /// The type object, created once at module init (GIL held); read-only afterwards.
    nonisolated(unsafe) static var type: PyObjectPtr?
    /// `_syslogng.LogFetcher`: the same object layout, without the posting methods (spec §6.1).
    nonisolated(unsafe) static var fetcherType: PyObjectPtr?

    static func create() -> PyObjectPtr? { create(fetcher: false) }
    static func createFetcher() -> PyObjectPtr? { create(fetcher: true) }

    private static func create(fetcher: Bool) -> PyObjectPtr? {
        let methods = TypeBuilder.methodTable(fetcher ? [.o("set_transport_name", setTransportName)] : [
            .fastKw("post_message", postMessage),
            .noArgs("close_batch", closeBatch),
            .o("set_transport_name", setTransportName),
        ])
        let members = UnsafeMutablePointer<PyMemberDef>.allocate(capacity: 2)
        members.initialize(to: PyMemberDef(name: TypeBuilder.cString("persist_name"), type: 16 /* T_OBJECT_EX */,
                                           offset: ssw_source_persist_name_offset(), flags: 1 /* READONLY */, doc: nil))
        (members + 1).initialize(to: PyMemberDef(name: nil, type: 0, offset: 0, flags: 0, doc: nil))
        let getsets = UnsafeMutablePointer<PyGetSetDef>.allocate(capacity: 2)
        getsets.initialize(to: PyGetSetDef(name: TypeBuilder.cString("auto_close_batches"),
                                           get: getAutoClose,
                                           set: setAutoClose, doc: nil, closure: nil))
        (getsets + 1).initialize(to: PyGetSetDef(name: nil, get: nil, set: nil, doc: nil, closure: nil))
        let newFn: @convention(c) (UnsafeMutablePointer<PyTypeObject>?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr? = { tp, _, _ in
            guard let tp, let o = PyType_GenericAlloc(tp, 0) else { return nil }
            SourceType.object(o).pointee.auto_close_batches = 1
            return o
        }
        let deallocFn: @convention(c) (PyObjectPtr?) -> Void = { o in
            guard let o else { return }
            // Python subclasses' subtype_dealloc has cleared __dict__ before calling this.
            ssw_xdecref(SourceType.object(o).pointee.persist_name)
            SourceType.object(o).pointee.persist_name = nil
            ssw_xdecref(SourceType.object(o).pointee.pending_transport)
            SourceType.object(o).pointee.pending_transport = nil
            SourceType.object(o).pointee.binding = nil
            ssw_type_free(o)
        }
        let initFn: @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> Int32 = { _, _, _ in 0 }
        var slots: [(Int32, UnsafeMutableRawPointer?)] = [
            (Py_tp_new, TypeBuilder.raw(newFn)), (Py_tp_init, TypeBuilder.raw(initFn)),
            (Py_tp_dealloc, TypeBuilder.raw(deallocFn)),
            (Py_tp_methods, UnsafeMutableRawPointer(methods)),
            (Py_tp_members, UnsafeMutableRawPointer(members))]
        if !fetcher { slots.append((Py_tp_getset, UnsafeMutableRawPointer(getsets))) }
        let t = TypeBuilder.makeType(
            name: fetcher ? "_syslogng.LogFetcher" : "_syslogng.LogSource", basicSize: ssw_source_basicsize(),
            flags: TypeBuilder.flagDefault | TypeBuilder.flagBaseType, slots: slots)
        if fetcher { fetcherType = t } else { type = t }
        return t
    }

    @inline(__always)
    static func object(_ o: PyObjectPtr) -> UnsafeMutablePointer<SswSourceObject> {
        UnsafeMutableRawPointer(o).assumingMemoryBound(to: SswSourceObject.self)
    }

    static func binding(_ o: PyObjectPtr) -> PythonSourceBinding? {
        guard let raw = object(o).pointee.binding else { return nil }
        return Unmanaged<PythonSourceBinding>.fromOpaque(raw).takeUnretainedValue()
    }

    static func isInstance(_ o: PyObjectPtr) -> Bool {
        guard let t = type else { return false }
        return PyObject_TypeCheck(o, UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)) != 0
    }

    static func isFetcher(_ o: PyObjectPtr) -> Bool {
        guard let t = fetcherType else { return false }
        return PyObject_TypeCheck(o, UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)) != 0
    }

    static let getAutoClose: @convention(c) (PyObjectPtr?, UnsafeMutableRawPointer?) -> PyObjectPtr? = { o, _ in
        guard let o else { return nil }
        return ssw_new_bool(object(o).pointee.auto_close_batches)
    }

    static let setAutoClose: @convention(c) (PyObjectPtr?, PyObjectPtr?, UnsafeMutableRawPointer?) -> Int32 = { o, v, _ in
        guard let o else { return -1 }
        guard let v, ssw_bool_check(v) != 0 else {
            Py.raise(ssw_exc_type_error(), "auto_close_batches must be a bool")
            return -1
        }
        object(o).pointee.auto_close_batches = v == ssw_true() ? 1 : 0
        return 0
    }

    /// `post_message(msg)`: the hot path. No lock and no GIL release unless the window is full.
    static let postMessage: TypeBuilder.FastKw = { selfObj, args, nargs, kwnames in
        Python.entry(failing: nil) { gil in postMessage(selfObj, args, nargs, kwnames, gil) }
    }

    @inline(__always)
    private static func postMessage(_ selfObj: PyObjectPtr?, _ args: UnsafePointer<PyObjectPtr?>?, _ nargs: Int,
                                    _ kwnames: PyObjectPtr?, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let selfObj else { return nil }
        // Unmanaged, guaranteed references: the object keeps the binding alive and the argument
        // keeps its message alive for the whole call, so no retain/release per message.
        guard let rawBinding = object(selfObj).pointee.binding else {
            Py.raise(ssw_exc_runtime_error(), "post_message must be called from main thread")
            return nil
        }
        return Unmanaged<PythonSourceBinding>.fromOpaque(rawBinding)._withUnsafeGuaranteedRef { b in
            guard b.isRunThread() else {
                Py.raise(ssw_exc_runtime_error(), b.abandoned ? SourceType.abandonedText
                                                              : "post_message must be called from main thread")
                return nil
            }
            let positional = Int(nargs & ~(Int(1) << (Int.bitWidth - 1)))
            let nkw = kwnames.map { ssw_tuple_size($0) } ?? 0
            var arg: PyObjectPtr?
            if positional == 1 && nkw == 0 {
                arg = args?[0]
            } else if positional == 0 && nkw == 1, let kwnames, let name = Py.string(ssw_tuple_item(kwnames, 0)!), name == "msg" {
                arg = args?[0]
            }
            guard let arg, let t = MessageType.type,
                  PyObject_TypeCheck(arg, UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyTypeObject.self)) != 0,
                  let rawMessage = MessageType.object(arg).pointee.message else {
                Py.raise(ssw_exc_type_error(), "LogMessage expected in the first parameter")
                return nil
            }
            let autoClose = object(selfObj).pointee.auto_close_batches != 0
            let bookmark = MessageType.bookmark(arg)
            let posted: Bool
            if MessageType.object(arg).pointee.frozen != 0 {
                // Posted before: post a copy, so this post cannot change the earlier one.
                posted = b.post(Unmanaged<LogMessage>.fromOpaque(rawMessage).takeUnretainedValue().clone(),
                                bookmark: bookmark, autoClose: autoClose, gil)
            } else {
                MessageType.freeze(arg)
                posted = Unmanaged<LogMessage>.fromOpaque(rawMessage)._withUnsafeGuaranteedRef { msg in
                    b.post(msg, bookmark: bookmark, autoClose: autoClose, gil)
                }
            }
            guard posted else { return nil }
            return ssw_new_none()
        }
    }

    /// What `post_message()` raises once the source's thread was abandoned (docs/python.md).
    static let abandonedText = "post_message(): the source was stopped: run() did not return in time after request_exit(), so its messages are no longer accepted"

    static let closeBatch: TypeBuilder.Unary = { selfObj, _ in
        guard let selfObj else { return nil }
        return Python.entry(failing: nil) { _ throws(PythonRaise) in
            guard let b = binding(selfObj), b.isRunThread() else {
                throw PythonRaise(ssw_exc_runtime_error(), "close_batch() must be called from main thread")
            }
            b.closeBatch()
            return ssw_new_none()
        }
    }

    static let setTransportName: TypeBuilder.Unary = { selfObj, arg in
        guard let selfObj, let arg else { return nil }
        return Python.entry(failing: nil) { _ throws(PythonRaise) in
            guard let name = Py.string(arg) else {
                throw PythonRaise(ssw_exc_type_error(), "set_transport_name() expects a str")
            }
            if let b = binding(selfObj) {
                b.transport = .string(name)
            } else {
                // Before the driver attached (e.g. in __init__): kept on the object until it does.
                ssw_xdecref(object(selfObj).pointee.pending_transport)
                ssw_incref(arg)
                object(selfObj).pointee.pending_transport = arg
            }
            return ssw_new_none()
        }
    }

    /// Takes a transport name set before the driver attached, if any.
    static func takePendingTransport(_ o: PyObjectPtr) -> String? {
        guard let pending = object(o).pointee.pending_transport else { return nil }
        object(o).pointee.pending_transport = nil
        defer { ssw_decref(pending) }
        return Py.string(pending)
    }
}
