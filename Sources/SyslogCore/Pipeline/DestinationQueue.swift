import Synchronization
import SyslogMessage

/// A message waiting in a destination queue, and whether its window slot waits for the write.
public struct QueuedMessage: Sendable {
    public var message: LogMessage
    public var flowControlled: Bool
    public init(_ message: LogMessage, flowControlled: Bool) {
        self.message = message
        self.flowControlled = flowControlled
    }
}

/// A destination's bounded in-memory queue (`log-fifo-size`). Producers push whole batches (one
/// lock per batch); the worker takes everything queued at once.
///
/// Queues outlive a configuration: on reload the new destination with the same persist name
/// adopts the old queue, so nothing queued is lost.
public final class DestinationQueue: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `items`, `consumerWaiting` and `capacity` are only
    // touched with `lock` held.
    private let lock = ConditionLock()
    private var items: [QueuedMessage] = []
    private var consumerWaiting = false
    private var wakeRequested = false
    private var capacity: Int
    /// Messages dropped because the queue was full (without flow control).
    public let dropped = Atomic<Int>(0)
    public let persistName: String

    public init(persistName: String, capacity: Int) {
        self.persistName = persistName
        self.capacity = max(1, capacity)
    }

    /// Changes the bound (a reload may set another log-fifo-size).
    public func setCapacity(_ c: Int) { lock.withLock { capacity = max(1, c) } }

    /// Messages waiting.
    public var count: Int { lock.withLock { items.count } }

    /// Appends a batch. Messages over the bound are dropped unless flow-controlled (their
    /// sources' windows bound them). Returns the number dropped; dropped messages are
    /// acknowledged here.
    @discardableResult
    public func push(_ batch: [QueuedMessage]) -> Int {
        var droppedNow: [QueuedMessage] = []
        lock.withLock {
            if items.count + batch.count <= capacity {
                items.append(contentsOf: batch)
            } else {
                for q in batch {
                    if q.flowControlled || items.count < capacity {
                        items.append(q)
                    } else {
                        droppedNow.append(q)
                    }
                }
            }
            if consumerWaiting { lock.signal() }
        }
        if !droppedNow.isEmpty {
            dropped.add(droppedNow.count, ordering: .relaxed)
        }
        return droppedNow.count
    }

    /// Puts messages back at the head (unwritten messages of a stopped worker).
    public func pushFront(_ batch: [QueuedMessage]) {
        guard !batch.isEmpty else { return }
        lock.withLock {
            items.insert(contentsOf: batch, at: 0)
            if consumerWaiting { lock.signal() }
        }
    }

    /// Takes up to `max` messages, waiting up to `timeout` seconds while empty. Returns an empty
    /// array on timeout or when woken by ``wake()``.
    public func take(max: Int, timeout: Double) -> [QueuedMessage] {
        lock.withLock {
            if items.isEmpty && !wakeRequested {
                consumerWaiting = true
                lock.wait(seconds: timeout)
                consumerWaiting = false
            }
            wakeRequested = false
            if items.isEmpty { return [] }
            if items.count <= max {
                let all = items
                items.removeAll(keepingCapacity: true)
                return all
            }
            let head = Array(items.prefix(max))
            items.removeFirst(max)
            return head
        }
    }

    /// Wakes a waiting consumer (stop requests).
    public func wake() {
        lock.withLock {
            wakeRequested = true
            lock.signal()
        }
    }
}
