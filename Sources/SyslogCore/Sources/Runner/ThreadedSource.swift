import Synchronization

/// What a source that runs on its own thread does; ``ThreadedSource`` owns the thread, the
/// lifecycle, the watchdog and the restarts. `stdin()`, `example-msg-generator()`,
/// `internal()` and `python()` are bodies; `python-fetcher()` will be one.
public protocol ThreadedSourceBody: AnyObject, Sendable {
    /// The driver name as written in the config, e.g. `stdin`.
    var driverName: String { get }
    /// The OS thread's name (15 bytes are shown).
    var threadName: String { get }
    /// Who the source is in log messages: e.g. `[("driver", "s#0"), ("class", "mod.Source")]`.
    var logPairs: [(String, String)] { get }
    /// Produces messages through `poster` until asked to stop or done. Runs on the source's
    /// thread; with a restart policy it may run again after it returned.
    func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd
    /// Asks `run` to return (control thread).
    func requestExit()
    /// Called on the control thread right before the thread starts.
    func willStart()
    /// Prepares before anything starts (control thread). Throwing makes start-up exit with 2.
    func initialize() throws(PipelineInitError)
    /// Undoes ``initialize()`` after the thread ended (control thread).
    func deinitialize()
    /// The thread did not return in time and is left running: stop accepting its messages.
    func abandoned()
    var parsesPriority: Bool { get }
    var persistName: String? { get }
    /// Whether the source may wait for a busy destination (false for UDP-like sources).
    var canWait: Bool { get }
}

extension ThreadedSourceBody {
    public var logPairs: [(String, String)] { [("driver", driverName)] }
    public func initialize() throws(PipelineInitError) {}
    public func deinitialize() {}
    public func abandoned() {}
    public func willStart() {}
    public var parsesPriority: Bool { false }
    public var persistName: String? { nil }
    public var canWait: Bool { true }
}

/// The one runner of threaded sources: starts the body's thread, restarts it per policy, and
/// on stop waits at most `stop-timeout` seconds before it abandons the thread (logged with the
/// driver and how long it waited), so shutdown and reload never hang on a plugin.
public final class ThreadedSource: SourceDriver, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `lifecycle` and `thread` are guarded by `lock`; the
    // body is Sendable.
    public let body: any ThreadedSourceBody
    private let lock = ConditionLock()
    private var lifecycle: SourceLifecycle
    private var thread: OSThread?
    private let clock: @Sendable () -> Double

    public init(_ body: any ThreadedSourceBody, policy: SourceRunPolicy = SourceRunPolicy(),
                clock: @escaping @Sendable () -> Double = monotonicSeconds) {
        self.body = body
        self.lifecycle = SourceLifecycle(policy: policy)
        self.clock = clock
    }

    public var driverName: String { body.driverName }
    public var parsesPriority: Bool { body.parsesPriority }
    public var persistName: String? { body.persistName }
    public var canWait: Bool { body.canWait }
    /// The lifecycle's state (tests, stats).
    public var state: SourceLifecycle.State { lock.withLock { lifecycle.state } }

    public func initialize() throws(PipelineInitError) {
        do {
            try body.initialize()
        } catch {
            _ = lock.withLock { lifecycle.initialized(succeeded: false) }
            throw error
        }
        _ = lock.withLock { lifecycle.initialized(succeeded: true) }
    }

    public func start(_ poster: SourcePoster) {
        let actions = lock.withLock { lifecycle.start(now: clock()) }
        guard actions.contains(.startThread) else { return }
        body.willStart()
        let t = OSThread.start(name: body.threadName) { [self] in threadMain(poster) }
        lock.withLock { thread = t }
    }

    private func threadMain(_ poster: SourcePoster) {
        runLoop: while true {
            let end = body.run(poster)
            // What was posted is announced before anyone learns the body ended (spec §15.5).
            poster.closeBatch()
            let actions = lock.withLock { lifecycle.bodyEnded(end, now: clock()) }
            for a in actions {
                switch a {
                case .logRestart(let attempt, let delay):
                    InternalLog.shared.warning("Source ended, restarting it after a delay",
                                               body.logPairs + [("attempt", String(attempt)), ("delay", Self.seconds(delay))])
                case .endThread:
                    break runLoop
                default:
                    break
                }
            }
            // Backing off: wait for the delay or a stop.
            while true {
                let next: [SourceLifecycle.Action] = lock.withLock {
                    let a = lifecycle.backoffCheck(now: clock())
                    if a.isEmpty, let wake = lifecycle.wakeTime {
                        lock.wait(seconds: max(0.001, min(1, wake - clock())))
                    }
                    return a
                }
                if next.contains(.endThread) { break runLoop }
                if next.contains(.runBody) { continue runLoop }
            }
        }
        lock.withLock { lock.broadcast() }
    }

    public func requestStop() {
        let actions = lock.withLock {
            let a = lifecycle.stopRequested(now: clock())
            lock.broadcast()
            return a
        }
        if actions.contains(.requestExit) { body.requestExit() }
    }

    /// Waits for the thread until the stop timeout, then abandons it.
    @discardableResult
    public func join() -> Bool {
        let (done, abandonedAfter): (Bool, Double?) = lock.withLock {
            while !lifecycle.threadDone {
                let now = clock()
                for case .abandon(let waited) in lifecycle.watchdog(now: now) { return (false, waited) }
                if case .abandoned = lifecycle.state { return (false, nil) }
                let wake = lifecycle.wakeTime ?? (now + 1)
                lock.wait(seconds: max(0.001, min(0.5, wake - now)))
            }
            return (true, nil)
        }
        if done {
            let t = lock.withLock { () -> OSThread? in
                defer { thread = nil }
                return thread
            }
            t?.join()
            return true
        }
        if let waited = abandonedAfter {
            InternalLog.shared.error("Source did not stop in time after it was asked to, abandoning its thread",
                                     body.logPairs + [("waited", Self.seconds(waited))])
            body.abandoned()
            lock.withLock { thread?.detach(); thread = nil }
        }
        return false
    }

    public func deinitialize() {
        let actions = lock.withLock { lifecycle.deinitialize() }
        if actions.contains(.deinitialize) { body.deinitialize() }
    }

    static func seconds(_ s: Double) -> String {
        let ms = (s * 1000).rounded()
        return String(ms / 1000) + "s"
    }
}

/// Sources whose thread did not stop in time, with their posters: kept for the life of the
/// process, since the thread may still use them.
public enum AbandonedSources {
    /// Objects kept only so they are never freed; nothing reads them.
    private struct Kept: @unchecked Sendable { let objects: [AnyObject] }
    private static let kept = Mutex<[Kept]>([])

    public static func keep(_ objects: [AnyObject]) {
        let k = Kept(objects: objects)
        kept.withLock { $0.append(k) }
    }

    /// Whether some thread was abandoned (the process then exits without running exit handlers).
    public static var any: Bool { kept.withLock { !$0.isEmpty } }
}
