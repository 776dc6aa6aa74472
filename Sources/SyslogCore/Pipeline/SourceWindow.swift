import Synchronization
import SyslogMessage

/// A source's flow-control window (`log-iw-size`): each posted message takes a slot until the
/// pipeline acknowledges it.
///
/// The poster side is lock-free while there is room; it takes the lock only to sleep when the
/// window is exhausted. Acknowledgers take the lock only when the poster sleeps.
public final class SourceWindow: MessageAckTarget {
    public let capacity: Int
    private let free: Atomic<Int>
    private let sleeping = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let lock = ConditionLock()
    /// Set by ``armWakeup(_:)``: call the handler once the window has room again.
    private let wakeupArmed = Atomic<Bool>(false)
    private let wakeupHandler = Mutex<(@Sendable () -> Void)?>(nil)

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.free = Atomic(max(1, capacity))
    }

    /// Free slots right now.
    public var available: Int { free.load(ordering: .relaxed) }

    /// True once ``stop()`` was called.
    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Takes one slot. If none is free, calls `beforeSleep` (to flush pending batches so they
    /// can drain) and waits until a slot is free or the window is stopped. Returns false when it
    /// returned because of a stop without a free slot (the caller may still post).
    /// - Parameter waiting: wraps the sleep (e.g. to release the GIL around it).
    @discardableResult
    public func take(beforeSleep: () -> Void, waiting: (() -> Void) -> Void = { $0() }) -> Bool {
        while true {
            let cur = free.load(ordering: .relaxed)
            if cur > 0 {
                if free.compareExchange(expected: cur, desired: cur - 1,
                                        ordering: .acquiringAndReleasing).exchanged { return true }
                continue
            }
            if stopping.load(ordering: .relaxed) {
                free.subtract(1, ordering: .relaxed)
                return false
            }
            beforeSleep()
            waiting {
                lock.withLock {
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    while free.load(ordering: .sequentiallyConsistent) <= 0
                            && !stopping.load(ordering: .sequentiallyConsistent) {
                        lock.wait(seconds: 0.5)
                    }
                    sleeping.store(false, ordering: .sequentiallyConsistent)
                }
            }
        }
    }

    /// Returns `count` slots.
    public func acknowledge(_ count: Int) {
        free.add(count, ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .sequentiallyConsistent) {
            lock.withLock { lock.broadcast() }
        }
        if wakeupArmed.load(ordering: .sequentiallyConsistent),
           wakeupArmed.exchange(false, ordering: .sequentiallyConsistent) {
            if let handler = wakeupHandler.withLock({ $0 }) { handler() }
        }
    }

    /// Non-blocking sources (Python `suspend()`/`wakeup()`): calls `handler` once, on the thread
    /// that next returns a slot (or right away if there is room already).
    public func armWakeup(_ handler: @escaping @Sendable () -> Void) {
        wakeupHandler.withLock { $0 = handler }
        wakeupArmed.store(true, ordering: .sequentiallyConsistent)
        if free.load(ordering: .sequentiallyConsistent) > 0,
           wakeupArmed.exchange(false, ordering: .sequentiallyConsistent) {
            handler()
        }
    }

    /// Wakes a sleeping poster for good: later takes never sleep.
    public func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        lock.withLock { lock.broadcast() }
    }
}
