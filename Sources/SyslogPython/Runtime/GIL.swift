internal import CPython
import Synchronization

/// A CPython object pointer.
typealias PyObjectPtr = UnsafeMutablePointer<PyObject>

/// Proof that the current thread holds the GIL: only ``Python/attach(_:)`` and the entry
/// points Python calls hand one out, and it cannot be copied or sent to another thread.
struct GIL: ~Copyable {
    fileprivate init() {}

    /// For entry points Python calls (it holds the GIL there).
    static func assumeHeld() -> GIL { GIL() }

    /// Runs `body` with the GIL released, for anything that may block (window waits).
    func detach<T>(_ body: () throws -> T) rethrows -> T {
        let saved = PyEval_SaveThread()
        defer { PyEval_RestoreThread(saved) }
        return try body()
    }
}

enum Python {
    /// Runs `body` holding the GIL, from any OS thread (never a Swift-concurrency task).
    static func attach<T>(_ body: (borrowing GIL) throws -> T) rethrows -> T {
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        let gil = GIL()
        PyRef.drainDeferred(gil)
        return try body(gil)
    }
}

/// An owned reference to a Python object. Releasing it without the GIL defers the decref to
/// the next ``Python/attach(_:)``.
final class PyRef: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `pointer` is immutable; the referent is only touched
    // with the GIL held (the deinit checks, and defers otherwise).
    let pointer: PyObjectPtr
    /// Pointer values (as integers, which are Sendable) waiting for a decref.
    private static let deferred = Mutex<[UInt]>([])

    /// Takes over a new reference (nil for a NULL result).
    init?(owned p: PyObjectPtr?) {
        guard let p else { return nil }
        pointer = p
    }

    /// Takes a new reference to a borrowed pointer.
    init(borrowed p: PyObjectPtr, _ gil: borrowing GIL) {
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
