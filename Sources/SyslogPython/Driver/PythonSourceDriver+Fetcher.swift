internal import CPython
import SyslogPythonRuntime
import SyslogCore
import SyslogMessage

/// The `python-fetcher()` loop (spec §6.2, §6.3): `open()`, then `fetch()` as long as the
/// window has room, with syslog-ng's delays; `close()` once at the end. Runs on the source's
/// thread; every delay ends early on a stop request.
extension PythonSourceDriver {
    /// `fetch()` results (spec §6.2: `LogFetcherResult`).
    enum FetchResult: Int {
        case error = 0, notConnected = 1, success = 2, tryAgain = 3, noData = 4
    }

    /// The reconnect delay after `open()` failed, `NOT_CONNECTED` or `ERROR`: 1 s, whatever
    /// `time-reopen()` says, as syslog-ng's Python fetcher does.
    static let reconnectDelay = 1.0

    static let invalidFetchText = "Error in Python fetcher, fetch() must return a tuple (FetchResult, LogMessage)"
    static let bookmarkWithoutTrackerText = "Error in Python fetcher, bookmarks can not be used without creating an AckTracker instance (self.ack_tracker)"

    /// The loop holds the GIL while it runs Python and gives it up for every wait (Python's own
    /// switch interval lets other Python threads in meanwhile): taking the GIL per fetch()
    /// made it about nine times slower.
    func runFetcher(_ poster: SourcePoster, noDataDelay: Double) -> SourceLifecycle.BodyEnd {
        binding.poster = poster
        binding.tracker?.window = poster.window
        defer { binding.poster = nil }
        Python.attach { gil in
            var connected = false
            loop: while !isStopRequested {
                if !connected {
                    guard callOpen(gil) else {
                        InternalLog.shared.debug("Error establishing connection", logPairs)
                        if !pause(PythonSourceDriver.reconnectDelay, poster, gil) { break loop }
                        continue
                    }
                    connected = true
                }
                // A full window pauses fetching until acknowledgements give slots back (spec §6.3).
                if poster.window.available <= 0 {
                    gil.detach {
                        poster.window.take(beforeSleep: { poster.closeBatch() })
                        poster.window.acknowledge(1)
                    }
                    continue
                }
                switch callFetch(poster, gil) {
                case .success:
                    // Announced at once (a cheap check while the writer is awake), so a
                    // message never waits for the next, maybe slow, fetch().
                    poster.closeBatch()
                    continue
                case .tryAgain:
                    InternalLog.shared.debug("Try again when fetching messages", logPairs)
                    continue
                case .noData:
                    InternalLog.shared.debug("No data during fetching messages", logPairs)
                    if !pause(noDataDelay, poster, gil) { break loop }
                case .notConnected:
                    InternalLog.shared.info("Fetcher disconnected while receiving messages, reconnecting", logPairs)
                    connected = false
                    if !pause(PythonSourceDriver.reconnectDelay, poster, gil) { break loop }
                case .error:
                    InternalLog.shared.error("Error during fetching messages", logPairs)
                    callClose(gil)
                    connected = false
                    if !pause(PythonSourceDriver.reconnectDelay, poster, gil) { break loop }
                }
            }
            poster.closeBatch()
            // close() runs once at the end, connected or not, after request_exit() (spec §6.3).
            gil.detach {
                stopLock.withLock {
                    while stopRequested && !exitDelivered { stopLock.wait(seconds: 0.1) }
                }
            }
            callClose(gil)
        }
        return .returned
    }

    var isStopRequested: Bool { stopLock.withLock { stopRequested } }

    /// Ends the fetch loop after the running `fetch()` (control thread, before `request_exit()`).
    func stopFetching() {
        stopLock.withLock {
            stopRequested = true
            stopLock.broadcast()
        }
    }

    /// `request_exit()` has returned: the loop may call `close()`.
    func exitRequestDelivered() {
        stopLock.withLock {
            exitDelivered = true
            stopLock.broadcast()
        }
    }

    /// Waits `seconds` without the GIL (the batch announced first); false when a stop ended the wait.
    private func pause(_ seconds: Double, _ poster: SourcePoster, _ gil: borrowing GIL) -> Bool {
        poster.closeBatch()
        let deadline = monotonicSeconds() + seconds
        return gil.detach { stopLock.withLock {
            while !stopRequested {
                let left = deadline - monotonicSeconds()
                if left <= 0 { return true }
                stopLock.wait(seconds: min(left, 1.0))
            }
            return false
        } }
    }

    /// `open()`: truthy means connected; falsy, None or an exception means try again later.
    private func callOpen(_ gil: borrowing GIL) -> Bool {
        do {
            guard let open = openMethod else { return true }
            guard let r = Py.call(open.pointer, [], gil) else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "open")
                return false
            }
            defer { ssw_decref(r) }
            let truthy = PyObject_IsTrue(r)
            if truthy < 0 { PyErr_Clear() }
            return truthy == 1
        }
    }

    private func callClose(_ gil: borrowing GIL) {
        do {
            guard let close = closeMethod else { return }
            if let r = Py.call(close.pointer, [], gil) { ssw_decref(r) } else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "close")
            }
        }
    }

    /// One `fetch()`: checks the returned tuple and posts a fetched message.
    private func callFetch(_ poster: SourcePoster, _ gil: borrowing GIL) -> FetchResult {
        do {
            guard let fetch = fetchMethod else { return .error }
            guard let r = Py.call(fetch.pointer, [], gil) else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "fetch")
                InternalLog.shared.error(PythonSourceDriver.invalidFetchText, logPairs)
                return .error
            }
            defer { ssw_decref(r) }
            guard let (result, item) = PythonSourceDriver.fetchTuple(r) else {
                PyErr_Clear()
                InternalLog.shared.error(PythonSourceDriver.invalidFetchText, logPairs)
                return .error
            }
            guard result == .success else { return result }
            guard let item, let m = MessageType.message(item) else {
                InternalLog.shared.error(PythonSourceDriver.invalidFetchText, logPairs)
                return .error
            }
            let bookmark = MessageType.bookmark(item)
            if binding.tracker == nil && bookmark != nil {
                InternalLog.shared.error(PythonSourceDriver.bookmarkWithoutTrackerText, logPairs)
                return .error
            }
            // A message object posted before is copied, so this post cannot change that one.
            let msg = MessageType.object(item).pointee.frozen != 0 ? m.clone() : m
            MessageType.freeze(item)
            if let t = binding.transport { msg[.transport] = t }
            if let tracker = binding.tracker { msg.ackTarget = tracker.record(bookmark: bookmark, gil) }
            poster.post(msg, waiting: { sleep in gil.detach(sleep) })
            return .success
        }
    }

    /// `(result,)` or `(result, message)` with an int result 0…4; nil for anything else.
    static func fetchTuple(_ r: PyObjectPtr) -> (FetchResult, PyObjectPtr?)? {
        guard ssw_tuple_check(r) != 0 else { return nil }
        let n = ssw_tuple_size(r)
        guard n == 1 || n == 2, let first = ssw_tuple_item(r, 0), ssw_long_check(first) != 0 else { return nil }
        let v = PyLong_AsLong(first)
        guard let result = FetchResult(rawValue: Int(v)) else { return nil }
        return (result, n == 2 ? ssw_tuple_item(r, 1) : nil)
    }
}
