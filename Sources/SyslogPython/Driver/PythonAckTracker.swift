internal import CPython
import SyslogPythonRuntime
import Synchronization
import SyslogCore
import SyslogMessage

/// A source's `self.ack_tracker` (spec §5): remembers the bookmark of every posted message and
/// calls the plugin's callback once the pipeline acknowledged it.
///
/// Acknowledgements arrive on destination threads. They give the window slot back at once and
/// queue the record; the tracker's own thread takes the GIL once per burst and runs the
/// callbacks (a destination thread never waits for the GIL, which a busy source thread holds).
final class PythonAckTracker: @unchecked Sendable {
    // Invariant for @unchecked Sendable: the mutable state is guarded by `lock`; Python objects
    // are only touched with the GIL held (records' bookmarks are read on the tracker thread).
    enum Kind: Equatable {
        case instant
        case consecutive
        /// `timeout` in milliseconds (0: no timer), `batchSize` acks per call (0: timer only).
        case batched(timeout: Int, batchSize: Int)
    }

    /// One posted message: its bookmark and its place in posting order. It is the message's
    /// ack target, so the acknowledgement finds the tracker without a table lookup.
    final class Record: MessageAckTarget, @unchecked Sendable {
        // Invariant for @unchecked Sendable: immutable; `bookmark` is only touched with the GIL.
        let tracker: PythonAckTracker
        let sequence: UInt64
        let bookmark: PyRef?
        init(tracker: PythonAckTracker, sequence: UInt64, bookmark: PyRef?) {
            self.tracker = tracker
            self.sequence = sequence
            self.bookmark = bookmark
        }
        func acknowledge(_ count: Int) { tracker.acknowledged(self) }
    }

    let kind: Kind
    private let callback: PyRef
    private let owner: String
    /// The source's window: its slot is returned when the message is acknowledged.
    var window: SourceWindow? {
        get { lock.withLock { windowRef } }
        set { lock.withLock { windowRef = newValue } }
    }
    private var windowRef: SourceWindow?

    private let lock = ConditionLock()
    private var nextSequence: UInt64 = 0
    /// Acknowledged records not yet handed to Python, in acknowledgement order.
    private var acked: [Record] = []
    /// Consecutive: acknowledged records waiting for an earlier one, by sequence.
    private var outOfOrder: [UInt64: Record] = [:]
    /// Consecutive: the lowest sequence not yet acknowledged.
    private var lowest: UInt64 = 0
    /// Batched: bookmarks acknowledged and not yet delivered (ack order).
    private var batch: [PyRef] = []
    private var batchDeadline: Int64 = 0
    private var outstanding = 0
    private var shuttingDown = false
    private var threadStarted = false
    /// The tracker thread is running callbacks for records it took.
    private var delivering = false

    init(kind: Kind, callback: PyRef, owner: String) {
        self.kind = kind
        self.callback = callback
        self.owner = owner
    }

    /// The tracker `obj` describes (an instance of one of syslogng's tracker classes), or nil
    /// when it is not one.
    static func make(from obj: PyObjectPtr, owner: String, _ gil: borrowing GIL) -> PythonAckTracker? {
        guard let module = PyImport_ImportModule("syslogng.ack") else { PyErr_Clear(); return nil }
        defer { ssw_decref(module) }
        guard let base = PyObject_GetAttrString(module, "AckTrackerFactory") else { PyErr_Clear(); return nil }
        defer { ssw_decref(base) }
        guard PyObject_IsInstance(obj, base) == 1, let kindObj = Py.attr(obj, "_kind", gil) else {
            PyErr_Clear()
            return nil
        }
        let kindName = Py.string(kindObj)
        ssw_decref(kindObj)
        guard let kindName, let cb = Py.attr(obj, "_callback", gil) else {
            PyErr_Clear()
            return nil
        }
        let callback = PyRef(owned: cb)!
        switch kindName {
        case "instant": return PythonAckTracker(kind: .instant, callback: callback, owner: owner)
        case "consecutive": return PythonAckTracker(kind: .consecutive, callback: callback, owner: owner)
        case "batched":
            let timeout = intAttr(obj, "_timeout", gil)
            let size = intAttr(obj, "_batch_size", gil)
            return PythonAckTracker(kind: .batched(timeout: timeout, batchSize: size), callback: callback, owner: owner)
        default:
            return nil
        }
    }

    private static func intAttr(_ obj: PyObjectPtr, _ name: String, _ gil: borrowing GIL) -> Int {
        guard let v = Py.attr(obj, name, gil) else { return 0 }
        defer { ssw_decref(v) }
        let i = PyLong_AsLongLong(v)
        if i < 0 { PyErr_Clear(); return 0 }
        return Int(i)
    }

    /// The ack record of a message about to be posted (source thread, GIL held).
    func record(bookmark: PyObjectPtr?, _ gil: borrowing GIL) -> Record {
        let ref = bookmark.map { PyRef(borrowed: $0, gil) }
        return lock.withLock {
            let r = Record(tracker: self, sequence: nextSequence, bookmark: ref)
            nextSequence += 1
            outstanding += 1
            if !threadStarted {
                threadStarted = true
                startThread()
            }
            return r
        }
    }

    /// A destination acknowledged the record's message (any thread, GIL not needed).
    ///
    /// The window slot of an instant or consecutive tracker's message comes back once its
    /// callback ran: a plugin that saves its position there has at most `log-iw-size`
    /// messages delivered but not saved, which bounds what a crash can repeat. A batched
    /// tracker's slot comes back at once (a batch may be larger than the window).
    fileprivate func acknowledged(_ r: Record) {
        let w: SourceWindow? = lock.withLock {
            acked.append(r)
            outstanding -= 1
            lock.broadcast()
            return windowRef
        }
        if case .batched = kind { w?.acknowledge(1) }
    }

    /// The source is deinitialised: what was acknowledged, the partial batch included, is
    /// delivered before this returns (waiting at most `wait` seconds, GIL not held by the
    /// caller); acknowledgements still pending reach this tracker's callback when they arrive
    /// (spec AT-11, AT-13).
    func shutdown(wait: Double = 2) {
        let deadline = monotonicSeconds() + wait
        lock.withLock {
            shuttingDown = true
            lock.broadcast()
            guard threadStarted else { return }
            while (!acked.isEmpty || !batch.isEmpty || delivering) && monotonicSeconds() < deadline {
                lock.wait(seconds: 0.05)
            }
        }
    }

    private func startThread() {
        OSThread.start(name: "ack:" + owner) { [self] in loop() }.detach()
    }

    /// The tracker thread: waits for acknowledgements (or the batch timer), then delivers them
    /// with the GIL held. Ends once the source was deinitialised and nothing is outstanding.
    private func loop() {
        while true {
            let (work, flush, done): (Bool, Bool, Bool) = lock.withLock {
                while true {
                    let now = monotonicNanoseconds()
                    let timerDue = batchDeadline > 0 && now >= batchDeadline
                    if !acked.isEmpty || timerDue || (shuttingDown && !batch.isEmpty) {
                        return (true, timerDue || shuttingDown, false)
                    }
                    if shuttingDown && outstanding <= 0 { return (false, false, true) }
                    let wait = batchDeadline > 0 ? Double(batchDeadline - now) / 1e9 : 1.0
                    lock.wait(seconds: min(1.0, max(0.001, wait)))
                }
            }
            if done { return }
            if work { Python.attach { gil in deliver(gil, flushBatch: flush) } }
        }
    }

    /// Runs the callbacks for what was acknowledged (GIL held).
    private func deliver(_ gil: borrowing GIL, flushBatch: Bool) {
        let records: [Record] = lock.withLock {
            let r = acked
            acked.removeAll(keepingCapacity: true)
            delivering = true
            return r
        }
        defer {
            lock.withLock {
                delivering = false
                lock.broadcast()
            }
        }
        switch kind {
        case .instant:
            for r in records {
                if let b = r.bookmark { call([b.pointer], gil) }
            }
            if !records.isEmpty { window?.acknowledge(records.count) }
        case .consecutive:
            var last: PyRef?
            // Records leave the table inside the lock but are released after it: releasing a
            // bookmark may run Python code, which may hand the GIL to a thread that wants the lock.
            var released: [Record] = []
            lock.withLock {
                for r in records { outOfOrder[r.sequence] = r }
                while let r = outOfOrder.removeValue(forKey: lowest) {
                    if let b = r.bookmark { last = b }
                    lowest += 1
                    released.append(r)
                }
            }
            let done = released.count
            released.removeAll()
            if let last { call([last.pointer], gil) }
            if done > 0 { window?.acknowledge(done) }
        case .batched(let timeout, let size):
            var pending: [PyRef] = lock.withLock {
                for r in records { if let b = r.bookmark { batch.append(b) } }
                let p = batch
                batch.removeAll()
                return p
            }
            while size > 0 && pending.count >= size {
                callList(Array(pending.prefix(size)), gil)
                pending.removeFirst(size)
            }
            if flushBatch && !pending.isEmpty {
                callList(pending, gil)
                pending.removeAll()
            }
            lock.withLock {
                batch = pending + batch
                // The timer runs while a partial batch waits, and restarts after each firing.
                if batch.isEmpty || timeout == 0 {
                    batchDeadline = 0
                } else if flushBatch || batchDeadline == 0 {
                    batchDeadline = monotonicNanoseconds() + Int64(timeout) * 1_000_000
                }
            }
        }
    }

    /// `batched_ack_callback(list)`: newest first, as syslog-ng hands them over.
    private func callList(_ items: [PyRef], _ gil: borrowing GIL) {
        guard let list = PyList_New(items.count) else { PyErr_Clear(); return }
        for (i, b) in items.reversed().enumerated() {
            ssw_incref(b.pointer)
            PyList_SetItem(list, i, b.pointer)
        }
        call([list], gil)
        ssw_decref(list)
    }

    private func call(_ args: [PyObjectPtr], _ gil: borrowing GIL) {
        if let r = Py.call(callback.pointer, args, gil) { ssw_decref(r) } else {
            PythonException.fetch(gil)?.log(caller: owner, className: "", function: "ack_callback")
        }
    }
}
