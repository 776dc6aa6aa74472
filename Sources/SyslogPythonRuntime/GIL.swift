package import CPython
import Synchronization

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
