package import CPython
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A CPython object pointer.
package typealias PyObjectPtr = UnsafeMutablePointer<PyObject>

/// Proof that the current thread holds the GIL: only ``Python/attach(_:)`` (for threads of the
/// daemon) and ``Python/entry(failing:_:)`` (for C functions Python calls) hand one out, and it
/// cannot be copied or sent to another thread. This module is the only one that touches the
/// GIL itself.
package struct GIL: ~Copyable {
    fileprivate init() {}

    /// Runs `body` with the GIL released, for anything that may block (window waits).
    package func detach<T>(_ body: () throws -> T) rethrows -> T {
        let saved = PyEval_SaveThread()
        defer { PyEval_RestoreThread(saved) }
        return try body()
    }
}

package enum Python {
    /// Runs `body` holding the GIL, from any OS thread (never a Swift-concurrency task).
    package static func attach<T>(_ body: (borrowing GIL) throws -> T) rethrows -> T {
        ThreadState.pin()
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        let gil = GIL()
        PyRef.drainDeferred(gil)
        return try body(gil)
    }

    /// The one adapter for C functions Python calls (methods, getters, constructors): Python
    /// holds the GIL there, so `body` gets the token. A ``PythonRaise`` thrown by `body` becomes
    /// the Python exception and the function returns `failing` (NULL or -1), so a Swift error
    /// never crosses into the interpreter unreported.
    @inline(__always)
    package static func entry<T>(failing: T, _ body: (borrowing GIL) throws(PythonRaise) -> T) -> T {
        let gil = GIL()
        do {
            return try body(gil)
        } catch {
            error.raise()
            return failing
        }
    }
}

/// A Python exception to raise from an entry point (see ``Python/entry(failing:_:)``).
package struct PythonRaise: Error, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `type` is an exception type object, which lives for
    // the process; it is only used with the GIL held.
    let type: PyObjectPtr?
    let message: String

    /// `TypeError(message)`, `RuntimeError(message)`, …
    package init(_ type: PyObjectPtr?, _ message: String) {
        self.type = type
        self.message = message
    }

    func raise() { PyErr_SetString(type, message) }
}

/// An owned reference to a Python object. Releasing it without the GIL defers the decref to
/// the next ``Python/attach(_:)``.
package final class PyRef: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `pointer` is immutable; the referent is only touched
    // with the GIL held (the deinit checks, and defers otherwise).
    package let pointer: PyObjectPtr
    /// Pointer values (as integers, which are Sendable) waiting for a decref.
    private static let deferred = Mutex<[UInt]>([])

    /// Takes over a new reference (nil for a NULL result).
    package init?(owned p: PyObjectPtr?) {
        guard let p else { return nil }
        pointer = p
    }

    /// Takes a new reference to a borrowed pointer.
    package init(borrowed p: PyObjectPtr, _ gil: borrowing GIL) {
        ssw_incref(p)
        pointer = p
    }

    deinit {
        if PyGILState_Check() != 0 {
            ssw_decref(pointer)
        } else {
            let p = UInt(bitPattern: pointer)
            PyRef.deferred.withLock { $0.append(p) }
        }
    }

    static func drainDeferred(_ gil: borrowing GIL) {
        let pending = deferred.withLock { d -> [UInt] in
            let all = d
            d.removeAll()
            return all
        }
        for p in pending {
            if let o = PyObjectPtr(bitPattern: p) { ssw_decref(o) }
        }
    }
}

/// Keeps one Python thread state per OS thread for the thread's life. Without it every
/// `PyGILState_Ensure`/`Release` pair on a daemon thread creates and destroys a thread state,
/// which made a per-message Python call (a parser, a per-`fetch()` attach) about nine times
/// slower. The first attach on a thread takes one `Ensure` that is never paired, and releases
/// the GIL; the thread-local destructor deletes the state when the thread ends.
enum ThreadState {
    /// The key's value for a thread that had a state of its own (nothing to delete at its end).
    nonisolated(unsafe) private static let own = UnsafeMutableRawPointer(bitPattern: 2)

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { value in
            // The thread ends: delete the state pinned for it (the value), with the GIL. Python's
            // own thread-local lookup may already be cleared here, so the state is used directly.
            guard let value, value != ThreadState.own, Py_IsInitialized() != 0 else { return }
            let ts = value.assumingMemoryBound(to: PyThreadState.self)
            PyEval_RestoreThread(ts)
            PyThreadState_Clear(ts)
            PyThreadState_DeleteCurrent()
        }
        return k
    }()

    @inline(__always)
    static func pin() {
        guard pthread_getspecific(key) == nil else { return }
        // A thread that already has a state (the interpreter's main thread, or a thread that
        // is inside Python now) needs no pin.
        if PyGILState_GetThisThreadState() != nil {
            pthread_setspecific(key, own)
            return
        }
        _ = PyGILState_Ensure()
        let ts = PyEval_SaveThread()
        pthread_setspecific(key, UnsafeRawPointer(ts))
    }
}
