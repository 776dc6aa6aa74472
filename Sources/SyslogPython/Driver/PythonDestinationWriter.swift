internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage

/// The worker side of a Python destination (spec §10): `open()`/`is_opened()`, `send()` per
/// message with syslog-ng's result semantics, `flush()` for `QUEUED` messages, `close()`. It
/// holds the GIL for a whole batch and acknowledges flow-controlled messages itself, when they
/// are delivered.
final class PythonDestinationWriter: DestinationWriter {
    /// `send()`/`flush()` results (the constants injected into the class).
    enum Result: Int {
        case drop = 0, error = 1, explicitAck = 2, success = 3, queued = 4, notConnected = 5, retry = 6
    }

    let driver: PythonDestinationDriver
    private var opened = false
    /// Sent with `QUEUED`, acknowledged by the next successful `flush()`.
    private var pending: [QueuedMessage] = []
    /// When the first of `pending` was queued (monotonic nanoseconds).
    private var pendingSince: Int64 = 0
    /// Taken back after a failed `flush()`: sent again before anything new.
    private var resend: [QueuedMessage] = []
    /// Failed attempts of the message at the head.
    private var attempts = 0
    private var seqnum = 0
    private var warnedOpenNone = false

    init(_ driver: PythonDestinationDriver) { self.driver = driver }

    var acknowledgesItself: Bool { true }

    /// With `batch-timeout()`, queued messages wait that long after the first of them for more
    /// before an idle worker flushes them (as syslog-ng's worker does).
    var flushDeadline: Int64? {
        driver.batchTimeout > 0 && !pending.isEmpty ? pendingSince + driver.batchTimeout : nil
    }

    var logPairs: [(String, String)] { driver.logPairs }

    func write(_ batch: ArraySlice<QueuedMessage>) -> Int {
        Python.attach { gil in
            if !resend.isEmpty {
                var again = resend
                resend.removeAll()
                let n = sendAll(again[...], gil)
                again.removeFirst(n)
                guard again.isEmpty else {
                    resend = again
                    return 0
                }
            }
            defer { driver.readWrittenBytes(gil) }
            return sendAll(batch, gil)
        }
    }

    /// Sends messages in order; how many were consumed (delivered, queued or dropped).
    private func sendAll(_ batch: ArraySlice<QueuedMessage>, _ gil: borrowing GIL) -> Int {
        var consumed = 0
        for q in batch {
            guard ensureOpen(gil) else { return consumed }
            seqnum += 1
            driver.setSeqnum(seqnum, gil)
            switch callSend(q.message, gil) {
            case .success, .explicitAck:
                deliver(q)
            case .queued:
                if pending.isEmpty && driver.batchTimeout > 0 { pendingSince = monotonicNanoseconds() }
                pending.append(q)
                let full = driver.batchLines > 0 && pending.count >= driver.batchLines
                let old = driver.batchTimeout > 0 && monotonicNanoseconds() - pendingSince >= driver.batchTimeout
                if (full || old) && !flushPending(gil) {
                    return consumed + 1
                }
            case .drop:
                InternalLog.shared.debug("Python destination dropped a message", logPairs)
                driver.dropped.add(1, ordering: .relaxed)
                deliver(q)
            case .error:
                attempts += 1
                if attempts < driver.retries {
                    // As syslog-ng: close, then open again before the message is sent again.
                    callClose(gil)
                    return consumed
                }
                InternalLog.shared.error("Multiple failures while sending message, message dropped",
                                         logPairs + [("number_of_retries", String(driver.retries))])
                driver.dropped.add(1, ordering: .relaxed)
                deliver(q)
            case .notConnected:
                callClose(gil)
                return consumed
            case .retry:
                attempts += 1
                if attempts >= driver.retries {
                    attempts = 0
                    callClose(gil)
                }
                return consumed
            }
            attempts = 0
            consumed += 1
        }
        return consumed
    }

    /// A delivered (or dropped) message: its window slot goes back.
    private func deliver(_ q: QueuedMessage) {
        if q.flowControlled { q.message.acknowledge() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        Python.attach { gil in
            _ = flushPending(gil)
            driver.readWrittenBytes(gil)
        }
    }

    /// `flush()`: success acknowledges what was queued; a failure sends it again.
    private func flushPending(_ gil: borrowing GIL) -> Bool {
        var result = Result.success
        if let f = driver.flush {
            result = convert(Py.call(f.pointer, [], gil), function: "flush", gil)
        }
        switch result {
        case .success, .explicitAck, .drop:
            for q in pending { deliver(q) }
            pending.removeAll()
            return true
        case .queued:
            return true
        case .error, .notConnected, .retry:
            InternalLog.shared.error("Python destination flush() failed, sending its batch again", logPairs)
            resend = pending + resend
            pending.removeAll()
            callClose(gil)
            return false
        }
    }

    func close() {
        Python.attach { gil in callClose(gil) }
    }

    func takeUndelivered() -> [QueuedMessage] {
        let out = pending + resend
        pending.removeAll()
        resend.removeAll()
        return out
    }

    // MARK: Python calls (GIL held)

    /// Opens when not open (or when `is_opened()` says so); false: not connected.
    private func ensureOpen(_ gil: borrowing GIL) -> Bool {
        if opened { opened = isOpened(gil) }
        if opened { return true }
        guard let open = driver.open else {
            opened = true
            return true
        }
        guard let r = Py.call(open.pointer, [], gil) else {
            PythonException.fetch(gil)?.log(caller: driver.driverID, className: driver.className, function: "open")
            return false
        }
        defer { ssw_decref(r) }
        if ssw_is_none(r) != 0 {
            // None counts as success (spec §10), with one warning.
            if !warnedOpenNone {
                warnedOpenNone = true
                InternalLog.shared.warning("Python destination open() returned None, treating it as success; please return True",
                                           logPairs)
            }
            opened = true
        } else {
            opened = PyObject_IsTrue(r) == 1
        }
        if opened { opened = isOpened(gil) }
        PyErr_Clear()
        return opened
    }

    /// `is_opened()` when the class has it (true without one); raising counts as not opened.
    private func isOpened(_ gil: borrowing GIL) -> Bool {
        guard let isOpened = driver.isOpened else { return true }
        guard let r = Py.call(isOpened.pointer, [], gil) else {
            PythonException.fetch(gil)?.log(caller: driver.driverID, className: driver.className, function: "is_opened")
            return false
        }
        defer { ssw_decref(r) }
        return PyObject_IsTrue(r) == 1
    }

    private func callClose(_ gil: borrowing GIL) {
        guard opened else { return }
        opened = false
        guard let close = driver.close else { return }
        if let r = Py.call(close.pointer, [], gil) { ssw_decref(r) } else {
            PythonException.fetch(gil)?.log(caller: driver.driverID, className: driver.className, function: "close")
        }
    }

    private func callSend(_ msg: LogMessage, _ gil: borrowing GIL) -> Result {
        guard let send = driver.send, let obj = argument(msg, gil) else { PyErr_Clear(); return .error }
        defer { ssw_decref(obj) }
        return convert(Py.call(send.pointer, [obj], gil), function: "send", gil)
    }

    /// What `send()` gets: the read-only message, or with `value-pairs()` a dict of the selected
    /// names and their typed values.
    private func argument(_ msg: LogMessage, _ gil: borrowing GIL) -> PyObjectPtr? {
        guard let vp = driver.valuePairs else {
            guard let obj = MessageType.wrap(msg, compat: driver.compat, gil) else { return nil }
            MessageType.freeze(obj)
            return obj
        }
        guard let dict = PyDict_New() else { return nil }
        for (name, value) in vp.evaluate(msg) {
            guard let v = ValueConversion.pyObject(for: value, gil) else { continue }
            PyDict_SetItemString(dict, name, v)
            ssw_decref(v)
        }
        return dict
    }

    /// True/False or one of the constants; anything else (None included) is an error.
    private func convert(_ r: PyObjectPtr?, function: String, _ gil: borrowing GIL) -> Result {
        guard let r else {
            PythonException.fetch(gil)?.log(caller: driver.driverID, className: driver.className, function: function)
            return .error
        }
        defer { ssw_decref(r) }
        if ssw_bool_check(r) != 0 { return r == ssw_true() ? .success : .error }
        if ssw_long_check(r) != 0 {
            let v = PyLong_AsLong(r)
            if let result = Result(rawValue: Int(v)) { return result }
            PyErr_Clear()
        }
        InternalLog.shared.error("python-dest: Error converting the result of \(function)() to a LogDestinationResult, treating it as ERROR",
                                 logPairs + [("result", Py.describe(r))])
        return .error
    }
}
