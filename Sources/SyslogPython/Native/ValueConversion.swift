internal import CPython
import SyslogPythonRuntime
#if canImport(Glibc)
import Glibc
#endif
import SyslogCore
import SyslogMessage

/// Python values ↔ typed name-value pair values (spec §7.4).
enum ValueConversion {
    /// The datetime C API, imported once at module init (GIL held).
    nonisolated(unsafe) static var datetimeAPI: UnsafeMutablePointer<PyDateTime_CAPI>?

    /// A stored value for a Python object, or nil with a Python exception set.
    static func logValue(from o: PyObjectPtr, _ gil: borrowing GIL) -> LogValue? {
        if ssw_unicode_check(o) != 0 {
            return Py.string(o).map { .string($0) }
        }
        if ssw_bytes_check(o) != 0 {
            return Py.utf8Bytes(o).map { LogValue.string(bytes: $0) }
        }
        if ssw_bool_check(o) != 0 {
            return .bool(o == ssw_true())
        }
        if ssw_long_check_exact(o) != 0 {
            var overflow: Int32 = 0
            let v = PyLong_AsLongLongAndOverflow(o, &overflow)
            if overflow != 0 {
                Py.raise(ssw_exc_overflow_error(), "Python int too large to convert to a 64-bit integer")
                return nil
            }
            return .int(Int64(v))
        }
        if ssw_float_check_exact(o) != 0 {
            return .double(sixDecimals(PyFloat_AsDouble(o)))
        }
        if ssw_is_none(o) != 0 {
            return .null
        }
        if ssw_list_check_exact(o) != 0 {
            var items: [String] = []
            for i in 0..<ssw_list_size(o) {
                guard let item = ssw_list_item(o, i), let b = Py.utf8Bytes(item) else {
                    Py.raise(ssw_exc_value_error(), "Error extracting value from Python object, list elements must be str or bytes")
                    return nil
                }
                items.append(String(decoding: b, as: UTF8.self))
            }
            return .list(items)
        }
        if let api = datetimeAPI, PyObject_TypeCheck(o, api.pointee.DateTimeType) != 0 {
            guard let stamp = stamp(fromDatetime: o, gil) else { return nil }
            // Stored with millisecond precision, as syslog-ng does.
            var s = stamp
            s.microseconds = (s.microseconds / 1000) * 1000
            return .datetime(s)
        }
        InternalLog.shared.error("Unexpected python object type", [("type", typeName(o))])
        Py.raise(ssw_exc_value_error(), "Error extracting value from Python object")
        return nil
    }

    /// syslog-ng stores a float as C `%f` text, so only 6 decimals survive (spec §7.4):
    /// `1.23456789` reads back as `1.234568`.
    static func sixDecimals(_ d: Double) -> Double {
        guard d.isFinite else { return d }
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([d]) { vsnprintf(&buf, buf.count, "%f", $0) }
        guard n > 0 && n < buf.count else { return d }
        return strtod(buf, nil)
    }

    /// The Python object for a stored value (new reference); nil for "treated as unset".
    static func pyObject(for v: LogValue, _ gil: borrowing GIL) -> PyObjectPtr? {
        switch v {
        case .string(let s): return Py.bytes(Array(s.utf8))
        case .rawString(let b): return Py.bytes(b)
        case .int(let i): return PyLong_FromLongLong(i)
        case .double(let d): return PyFloat_FromDouble(d)
        case .bool(let b): return ssw_new_bool(b ? 1 : 0)
        case .null: return ssw_new_none()
        case .list(let items):
            guard let list = PyList_New(items.count) else { return nil }
            for (i, item) in items.enumerated() {
                PyList_SetItem(list, i, Py.bytes(Array(item.utf8)))
            }
            return list
        case .datetime(let stamp):
            // A naive datetime in the daemon's local time zone, millisecond precision.
            var local = stamp
            local.utcOffset = LocalZone.offset(at: stamp.seconds)
            local.microseconds = (stamp.microseconds / 1000) * 1000
            return naiveDatetime(local)
        case .bytes:
            return nil
        }
    }

    /// A naive `datetime` of the wall-clock time of `stamp` in its own offset.
    static func naiveDatetime(_ stamp: LogStamp) -> PyObjectPtr? {
        guard let api = datetimeAPI else { return nil }
        let c = stamp.components()
        return api.pointee.DateTime_FromDateAndTime(Int32(c.year), Int32(c.month), Int32(c.day), Int32(c.hour),
                                                     Int32(c.minute), Int32(c.second), Int32(stamp.microseconds),
                                                     ssw_none(), api.pointee.DateTimeType)
    }

    /// A stamp from a `datetime`: aware ones keep their offset, naive ones are local time.
    static func stamp(fromDatetime o: PyObjectPtr, _ gil: borrowing GIL) -> LogStamp? {
        guard let tsFn = Py.attr(o, "timestamp", clear: false, gil) else { return nil }
        defer { ssw_decref(tsFn) }
        guard let ts = Py.call(tsFn, [], gil) else { return nil }
        let t = PyFloat_AsDouble(ts)
        ssw_decref(ts)
        var secs = Int64(t.rounded(.down))
        guard let usecObj = Py.attr(o, "microsecond", clear: false, gil) else { return nil }
        let usec = Int32(PyLong_AsLong(usecObj))
        ssw_decref(usecObj)
        // timestamp() rounds; take whole seconds from it and microseconds from the field.
        if Double(secs) + Double(usec) / 1e6 - t > 0.5 { secs -= 1 }
        var offset = LocalZone.offset(at: secs)
        if let offFn = Py.attr(o, "utcoffset", clear: false, gil) {
            defer { ssw_decref(offFn) }
            if let off = Py.call(offFn, [], gil) {
                defer { ssw_decref(off) }
                if ssw_is_none(off) == 0, let totalFn = Py.attr(off, "total_seconds", gil),
                   let total = Py.call(totalFn, [], gil) {
                    offset = Int32(PyFloat_AsDouble(total))
                    ssw_decref(total)
                    ssw_decref(totalFn)
                }
            } else {
                return nil
            }
        }
        return LogStamp(seconds: secs, microseconds: usec, utcOffset: offset)
    }

    static func typeName(_ o: PyObjectPtr) -> String {
        guard let t = ssw_type(o), let n = t.pointee.tp_name else { return "?" }
        return String(cString: n)
    }
}
