internal import CSystemShims
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread (sources, destination workers). Python code may run on it, which is
/// why these are real pthreads and never Swift-concurrency tasks.
public final class OSThread: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `handle` is written once by `start` before any other
    // thread can see this object, and `join` is called at most once, by the owner.
    private var handle: pthread_t = pthread_t()
    private var started = false
    private var joined = false
    /// Set when the body has returned.
    private let finished = Atomic<Bool>(false)
    public let name: String

    private final class Box {
        let body: () -> Void
        let name: String
        let thread: OSThread
        init(_ body: @escaping () -> Void, name: String, thread: OSThread) {
            self.body = body
            self.name = name
            self.thread = thread
        }
    }

    private init(name: String) { self.name = name }

    /// Starts `body` on a new thread named `name` (first 15 bytes, as Linux allows).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> OSThread {
        let t = OSThread(name: name)
        let box = Unmanaged.passRetained(Box(body, name: name, thread: t)).toOpaque()
        let rc = pthread_create(&t.handle, nil, { raw in
            guard let raw else { return nil }
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            // Visible in top -H, ps -L and debuggers.
            ssw_set_thread_name(box.name)
            box.body()
            box.thread.finished.store(true, ordering: .releasing)
            return nil
        }, box)
        if rc == 0 {
            t.started = true
        } else {
            Unmanaged<Box>.fromOpaque(box).release()
        }
        return t
    }

    /// Waits for the thread to end, polling, unless `giveUp` says to stop waiting first (then
    /// false: the thread still runs and is not joined).
    public func join(giveUp: () -> Bool) -> Bool {
        guard started, !joined else { return true }
        while !finished.load(ordering: .acquiring) {
            if giveUp() { return false }
            sleepSeconds(0.01)
        }
        join()
        return true
    }

    /// Lets the thread run on unjoined (a source that did not stop in time).
    public func detach() {
        guard started, !joined else { return }
        joined = true
        pthread_detach(handle)
    }

    /// Waits for the thread to end. Safe to call more than once and on a thread that never started.
    public func join() {
        guard started, !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }
}
