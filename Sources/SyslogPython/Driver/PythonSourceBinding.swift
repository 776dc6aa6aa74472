internal import CPython
import SyslogPythonRuntime
import Synchronization
import SyslogCore
import SyslogMessage

/// What a `_syslogng.LogSource` object talks to while its `run()` posts: the source's poster,
/// the run thread's identity, and the non-blocking (suspend/wakeup) state.
///
/// - Note: `post`/`closeBatch` run on the run thread with the GIL held.
final class PythonSourceBinding: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `poster`, `runThread` and `transport` are written
    // on the run thread or before it starts, with the GIL held; the atomics are shared.
    /// Set before `run()` starts; the pipeline keeps the poster alive while the source runs.
    /// (Unmanaged: no reference counting per posted message.)
    var poster: SourcePoster? {
        get { posterRef?.takeUnretainedValue() }
        set { posterRef = newValue.map { Unmanaged.passUnretained($0) } }
    }
    private var posterRef: Unmanaged<SourcePoster>?
    var runThread: pthread_t?
    /// `$TRANSPORT` of posted messages, from `set_transport_name()`.
    var transport: LogValue?
    /// The source's message-format flags, for `LogMessage.parse(raw, self.parse_options)`.
    var parseFlags: Set<String> = ["syslog-protocol"]
    /// Both suspend() and wakeup() are defined: posts never block (spec §4.4).
    var nonBlocking = false
    let suspended = Atomic<Bool>(false)
    var suspendMethod: PyRef?
    var wakeupMethod: PyRef?
    var driverID: String
    var className: String
    /// `run()` did not return in time after `request_exit()` and its thread was left: posts
    /// raise from then on (GIL-protected).
    var abandoned = false
    /// `self.ack_tracker`, read after `init()`: posted messages get ack records of it.
    var tracker: PythonAckTracker?

    init(driverID: String, className: String) {
        self.driverID = driverID
        self.className = className
    }

    @inline(__always)
    func isRunThread() -> Bool {
        guard let t = runThread else { return false }
        return pthread_equal(t, pthread_self()) != 0
    }

    /// Posts from `run()`: takes a window slot (waiting with the GIL released when the window is
    /// full, or dropping in non-blocking mode), then routes the message. False with
    /// RuntimeError set for a bookmark without an ack tracker (spec §4.1, checked after the
    /// suspended-source drop).
    @inline(__always)
    func post(_ msg: LogMessage, bookmark: PyObjectPtr?, autoClose: Bool, _ gil: borrowing GIL) -> Bool {
        guard let posterRef else { return true }
        return posterRef._withUnsafeGuaranteedRef { post(msg, bookmark: bookmark, autoClose: autoClose, poster: $0, gil) }
    }

    @inline(__always)
    private func post(_ msg: LogMessage, bookmark: PyObjectPtr?, autoClose: Bool, poster: SourcePoster,
                      _ gil: borrowing GIL) -> Bool {
        if transport != nil { msg[.transport] = transport }
        // Once a stop was asked for, a post is accepted past the window (it never waits then):
        // the queue, carried over to the next configuration by persist name, takes it.
        if nonBlocking && !poster.isStopping {
            if suspended.load(ordering: .acquiring) || poster.window.available <= 0 {
                InternalLog.shared.error("Incorrectly suspended source, dropping message", [("driver", driverID)])
                return true
            }
        }
        if let tracker {
            // The record is made only for a message that is posted: each one is acknowledged.
            msg.ackTarget = tracker.record(bookmark: bookmark, gil)
        } else if bookmark != nil {
            Py.raise(ssw_exc_runtime_error(), "Bookmarks can not be used without creating an AckTracker instance (self.ack_tracker)")
            return false
        }
        poster.post(msg, waiting: { sleep in gil.detach(sleep) })
        if autoClose { poster.closeBatch() }
        guard poster.window.available <= 0 else { return true }
        if nonBlocking {
            suspended.store(true, ordering: .releasing)
            poster.closeBatch()
            if let s = suspendMethod {
                if let r = Py.call(s.pointer, [], gil) { ssw_decref(r) } else {
                    PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "suspend")
                }
            }
            // wakeup() runs on the thread that returns the next slot (spec §4.4).
            poster.window.armWakeup { [self] in resume() }
        } else if !poster.isStopping {
            // Blocking mode: the post that exhausted the window returns only once there is room
            // again, or exit was requested (spec §4.3). Taking and returning a slot waits for it.
            poster.window.take(beforeSleep: { poster.closeBatch() }, waiting: { sleep in gil.detach(sleep) })
            poster.window.acknowledge(1)
        }
        return true
    }

    /// The window has room again: leave the suspended state and call `wakeup()`.
    private func resume() {
        guard suspended.exchange(false, ordering: .acquiringAndReleasing) else { return }
        Python.attach { gil in
            guard let w = wakeupMethod else { return }
            if let r = Py.call(w.pointer, [], gil) { ssw_decref(r) } else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "wakeup")
            }
        }
    }

    func closeBatch() { poster?.closeBatch() }
}
