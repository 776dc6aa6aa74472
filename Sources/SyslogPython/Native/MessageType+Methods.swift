internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage
import SyslogTemplates

extension MessageType {
    /// Positional and keyword arguments by name: `(args, kwargs)` → values in `names` order.
    static func arguments(_ args: PyObjectPtr?, _ kwargs: PyObjectPtr?, _ names: [String],
                          function: String) -> [PyObjectPtr?]? {
        var out = [PyObjectPtr?](repeating: nil, count: names.count)
        let n = args.map { ssw_tuple_size($0) } ?? 0
        if n > names.count {
            Py.raise(ssw_exc_type_error(), "\(function)() takes at most \(names.count) arguments (\(n) given)")
            return nil
        }
        for i in 0..<n { out[i] = args.flatMap { ssw_tuple_item($0, i) } }
        if let kwargs {
            var used = 0
            for (i, name) in names.enumerated() {
                if let v = PyDict_GetItemString(kwargs, name) {
                    if out[i] != nil {
                        Py.raise(ssw_exc_type_error(), "\(function)() got multiple values for argument '\(name)'")
                        return nil
                    }
                    out[i] = v
                    used += 1
                }
            }
            if PyDict_Size(kwargs) > used {
                Py.raise(ssw_exc_type_error(), "\(function)() got an unexpected keyword argument")
                return nil
            }
        }
        return out
    }

    static let get: TypeBuilder.VarargsKw = { selfObj, args, kwargs in
        Python.entry(failing: nil) { gil in
            guard let selfObj, let msg = message(selfObj),
                  let a = arguments(args, kwargs, ["key", "default"], function: "get") else { return nil }
            guard let key = a[0] else { Py.raise(ssw_exc_type_error(), "get() missing required argument 'key'"); return nil }
            guard let name = keyName(key) else { return nil }
            if case .some(let o) = value(msg, name, gil) { return o }
            if PyErr_Occurred() != nil { return nil }
            let d = a[1] ?? ssw_none()
            ssw_incref(d)
            return d
        }
    }

    static let getAsStr: TypeBuilder.VarargsKw = { selfObj, args, kwargs in
        guard let selfObj, let msg = message(selfObj),
              let a = arguments(args, kwargs, ["key", "default", "encoding", "errors", "repr"],
                                function: "get_as_str") else { return nil }
        guard let key = a[0] else { Py.raise(ssw_exc_type_error(), "get_as_str() missing required argument 'key'"); return nil }
        guard let name = keyName(key) else { return nil }
        if let d = a[1], ssw_is_none(d) == 0, ssw_unicode_check(d) == 0 {
            Py.raise(ssw_exc_type_error(), "default is not a string object")
            return nil
        }
        var text: [UInt8]?
        if MacroNames.isMacro(name) {
            var out: [UInt8] = []
            var ctx = TemplateRenderContext()
            MacroCache.template(for: name)?.render(msg, into: &out, context: &ctx)
            text = out
        } else if let v = msg[name] {
            if case .bytes = v { text = nil } else {
                var out: [UInt8] = []
                v.append(to: &out)
                text = out
            }
        }
        guard let text else {
            let d = a[1] ?? ssw_none()
            ssw_incref(d)
            return d
        }
        let encoding = a[2].flatMap { Py.string($0) } ?? "utf-8"
        let errors = a[3].flatMap { Py.string($0) } ?? "strict"
        return text.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) {
                PyUnicode_Decode($0.baseAddress, $0.count, encoding, errors)
            }
        }
    }

    static let keys: TypeBuilder.Unary = { selfObj, _ in
        guard let selfObj, let msg = message(selfObj) else { return nil }
        var names: [String] = []
        for e in msg.entries {
            if case .bytes = e.value { continue }
            names.append(NameRegistry.shared.name(of: e.handle))
        }
        names.append(contentsOf: MacroNames.all)
        guard let list = PyList_New(names.count) else { return nil }
        for (i, n) in names.enumerated() { PyList_SetItem(list, i, Py.bytes(Array(n.utf8))) }
        return list
    }

    static let setPri: TypeBuilder.Unary = { selfObj, arg in
        guard let selfObj, let arg, let msg = message(selfObj) else { return nil }
        let v = PyLong_AsLong(arg)
        if v == -1 && PyErr_Occurred() != nil { return nil }
        guard v >= 0 && v < 1 << 16 else {
            Py.raise(ssw_exc_value_error(), "pri must be between 0 and 65535")
            return nil
        }
        guard writable(selfObj, "PRI") else { return nil }
        msg.pri = UInt16(v)
        return ssw_new_none()
    }

    /// False with TypeError set when the message was posted (spec §4.8: posted messages are frozen).
    static func writable(_ selfObj: PyObjectPtr, _ what: String) -> Bool {
        guard object(selfObj).pointee.frozen != 0 else { return true }
        Py.raise(ssw_exc_type_error(), "Log message is read only, cannot set \(what), the message was already posted")
        return false
    }

    static let getPri: TypeBuilder.Unary = { selfObj, _ in
        guard let selfObj, let msg = message(selfObj) else { return nil }
        return PyLong_FromLong(Int(msg.pri))
    }

    static let setTimestamp: TypeBuilder.Unary = { selfObj, arg in
        Python.entry(failing: nil) { gil in
            guard let selfObj, let arg, let msg = message(selfObj) else { return nil }
            guard let api = ValueConversion.datetimeAPI, PyObject_TypeCheck(arg, api.pointee.DateTimeType) != 0 else {
                Py.raise(ssw_exc_value_error(), "Error extracting timestamp from value, expected a datetime instance")
                return nil
            }
            guard writable(selfObj, "the timestamp"),
                  let stamp = ValueConversion.stamp(fromDatetime: arg, gil) else { return nil }
            msg.stamp = stamp
            return ssw_new_none()
        }
    }

    static let getTimestamp: TypeBuilder.Unary = { selfObj, _ in
        guard let selfObj, let msg = message(selfObj) else { return nil }
        return ValueConversion.naiveDatetime(msg.stamp)
    }

    static let setSourceAddress: TypeBuilder.VarargsKw = { selfObj, args, kwargs in
        guard let selfObj, let msg = message(selfObj),
              let a = arguments(args, kwargs, ["ip", "port"], function: "set_source_ipaddress") else { return nil }
        guard let ip = a[0], ssw_is_none(ip) == 0, let b = Py.utf8Bytes(ip) else { return ssw_new_bool(0) }
        let text = String(decoding: b, as: UTF8.self)
        guard IPAddressText.isValid(text) else { return ssw_new_bool(0) }
        guard writable(selfObj, "the source address") else { return nil }
        msg.sourceAddress = text
        return ssw_new_bool(1)
    }

    static let setRawSize: TypeBuilder.Unary = { selfObj, arg in
        guard let selfObj, let arg, let msg = message(selfObj) else { return nil }
        let v = PyLong_AsLong(arg)
        if v == -1 && PyErr_Occurred() != nil { return nil }
        guard writable(selfObj, "the raw message size") else { return nil }
        msg.rawSize = max(0, v)
        return ssw_new_none()
    }

    static let setBookmarkMethod: TypeBuilder.Unary = { selfObj, arg in
        guard let selfObj else { return nil }
        setBookmark(selfObj, arg)
        return ssw_new_none()
    }

    static let parse: TypeBuilder.VarargsKw = { _, args, kwargs in
        Python.entry(failing: nil) { gil in
            guard let a = arguments(args, kwargs, ["raw_msg", "parse_options"], function: "parse") else { return nil }
            guard let raw = a[0], let bytes = Py.utf8Bytes(raw) else {
                Py.raise(ssw_exc_type_error(), "str or bytes expected in the first parameter")
                return nil
            }
            guard let opts = a[1], ssw_capsule_check(opts) != 0 else {
                Py.raise(ssw_exc_type_error(), "Parse options (PyCapsule) expected in the second parameter")
                return nil
            }
            var line = bytes
            while let last = line.last, last == 10 || last == 13 || last == 32 || last == 9 { line.removeLast() }
            let msg = LogMessage()
            // A capsule of another kind parses with the defaults.
            let flags = ParseOptions.flags(opts) ?? ["syslog-protocol"]
            if flags.contains("no-parse") {
                msg[.message] = .string(String(decoding: line, as: UTF8.self))
            } else if flags.contains("syslog-protocol") && SyslogParser.parseRFC5424(line, into: msg) {
                // RFC 5424
            } else if !SyslogParser.parseRFC3164(line, into: msg) {
                SyslogParser.errorMessage(for: line, into: msg)
            }
            if flags.contains("store-raw-message") { msg[.rawmsg] = .string(String(decoding: bytes, as: UTF8.self)) }
            return wrap(msg, gil)
        }
    }
}

/// IPv4/IPv6 literal checks without a resolver.
enum IPAddressText {
    static func isValid(_ s: String) -> Bool {
        var v4 = in_addr_buffer()
        if s.withCString({ inet_pton(2, $0, &v4.bytes) }) == 1 { return true }
        var v6 = in6_addr_buffer()
        return s.withCString({ inet_pton(10, $0, &v6.bytes) }) == 1
    }

    struct in_addr_buffer { var bytes: (UInt32) = 0 }
    struct in6_addr_buffer { var bytes: (UInt64, UInt64) = (0, 0) }
}
