import SyslogConfig

/// How a threaded source behaves when its body ends by itself, and how long a stop may take.
public struct SourceRunPolicy: Sendable, Equatable {
    /// Seconds a source may take to return after it was asked to stop (`stop-timeout()`);
    /// after that its thread is abandoned and the daemon goes on.
    public var stopTimeout: Double = 10
    /// Whether a body that raises or returns while no stop was asked for runs again
    /// (`restart-on-failure()`); off by default, as AxoSyslog.
    public var restartOnFailure = false
    /// The first delay before a restart (`restart-delay()`), doubled after each restart.
    public var restartDelay: Double = 1
    /// The largest delay (`restart-delay-max()`). A body that ran this long before it ended
    /// starts again from ``restartDelay``.
    public var restartDelayMax: Double = 60

    public init() {}

    /// The defaults of a configuration: `stop-timeout()` from the global options.
    public init(globals: GlobalOptions) {
        stopTimeout = globals.stopTimeout
    }
}

/// The lifecycle of a threaded source as a pure state machine: events go in (with the time they
/// happen), actions for the runner come out. Nothing here touches threads or clocks, so every
/// path (watchdog, restart backoff, stop during init or backoff) is unit-tested with made-up times.
///
/// created → initialized → running ⇄ backingOff → stopping → stopped → deinitialized, with
/// `finished` (the body ended by itself, no restart) and `abandoned` (it did not stop in time).
public struct SourceLifecycle: Sendable {
    public enum State: Sendable, Equatable {
        case created
        case initialized
        case running(since: Double)
        case backingOff(until: Double)
        case finished
        case stopping(deadline: Double)
        case stopped
        case abandoned
        case deinitialized
    }

    /// How a run of the body ended.
    public enum BodyEnd: Sendable, Equatable {
        /// It returned (for a Python source: `run()` returned).
        case returned
        /// It failed (`run()` raised).
        case failed
    }

    public enum Action: Sendable, Equatable {
        /// Start the source's thread and run the body on it.
        case startThread
        /// Ask the body to return (`request_exit()`).
        case requestExit
        /// Log that the body ended and will run again after `delay` seconds (`attempt` counts
        /// restarts since the body last ran long).
        case logRestart(attempt: Int, delay: Double)
        /// Run the body again on the source's thread.
        case runBody
        /// The thread ends; wake whoever waits for it.
        case endThread
        /// The body did not return within the stop timeout: log it, leave the thread.
        case abandon(waited: Double)
        /// Call the driver's deinit (`deinit()`).
        case deinitialize
    }

    public let policy: SourceRunPolicy
    public private(set) var state: State = .created
    /// Restarts since the body last ran for a long time.
    public private(set) var attempt = 0
    private var nextDelay: Double
    private var stopAskedAt: Double?

    public init(policy: SourceRunPolicy) {
        self.policy = policy
        self.nextDelay = policy.restartDelay
    }

    /// `initialize()` of the driver returned; false when it failed (no deinit is due then).
    public mutating func initialized(succeeded: Bool) -> [Action] {
        guard state == .created else { return [] }
        state = succeeded ? .initialized : .deinitialized
        return []
    }

    /// The pipeline starts the source.
    public mutating func start(now: Double) -> [Action] {
        guard state == .initialized else { return [] }
        state = .running(since: now)
        return [.startThread]
    }

    /// The body returned or raised, on the source's thread.
    public mutating func bodyEnded(_ end: BodyEnd, now: Double) -> [Action] {
        switch state {
        case .running(let since):
            guard policy.restartOnFailure else {
                state = .finished
                return [.endThread]
            }
            if now - since >= policy.restartDelayMax {
                attempt = 0
                nextDelay = policy.restartDelay
            }
            let delay = nextDelay
            attempt += 1
            nextDelay = min(policy.restartDelayMax, max(nextDelay * 2, 0.001))
            state = .backingOff(until: now + delay)
            return [.logRestart(attempt: attempt, delay: delay)]
        case .stopping:
            state = .stopped
            return [.endThread]
        case .abandoned:
            // It came back after all; the thread ends, nothing else happens.
            return [.endThread]
        default:
            return []
        }
    }

    /// The source's thread checks whether its backoff is over (`runBody`), still running
    /// (no action: wait until ``wakeTime``), or over because a stop came (`endThread`).
    public mutating func backoffCheck(now: Double) -> [Action] {
        switch state {
        case .backingOff(let until):
            guard now >= until else { return [] }
            state = .running(since: now)
            return [.runBody]
        case .stopping:
            state = .stopped
            return [.endThread]
        default:
            return [.endThread]
        }
    }

    /// The pipeline asks the source to stop (shutdown or reload).
    public mutating func stopRequested(now: Double) -> [Action] {
        switch state {
        case .created:
            state = .deinitialized
            return []
        case .initialized:
            state = .stopped
            return []
        case .finished:
            // AxoSyslog asks a source whose run() already ended to exit all the same.
            state = .stopped
            return [.requestExit]
        case .running:
            stopAskedAt = now
            state = .stopping(deadline: now + policy.stopTimeout)
            return [.requestExit]
        case .backingOff:
            // The body is not running: nothing to ask; the thread leaves its wait.
            stopAskedAt = now
            state = .stopping(deadline: now + policy.stopTimeout)
            return []
        default:
            return []
        }
    }

    /// The time the watchdog must look again, while a stop is pending.
    public var wakeTime: Double? {
        switch state {
        case .stopping(let deadline): return deadline
        case .backingOff(let until): return until
        default: return nil
        }
    }

    /// The control thread waited for the thread until `now`: abandons it past the deadline.
    public mutating func watchdog(now: Double) -> [Action] {
        guard case .stopping(let deadline) = state, now >= deadline else { return [] }
        state = .abandoned
        return [.abandon(waited: now - (stopAskedAt ?? deadline - policy.stopTimeout))]
    }

    /// The driver is done with: deinit only when it was initialized and its thread is gone.
    public mutating func deinitialize() -> [Action] {
        switch state {
        case .stopped, .initialized, .finished:
            state = .deinitialized
            return [.deinitialize]
        default:
            return []
        }
    }

    /// Whether the thread has ended (or never ran) so joining it returns at once.
    public var threadDone: Bool {
        switch state {
        case .created, .initialized, .finished, .stopped, .deinitialized: return true
        default: return false
        }
    }
}

extension SourceRunPolicy {
    /// Reads `stop-timeout()`, `restart-on-failure()`, `restart-delay()` and
    /// `restart-delay-max()` from a threaded source's options.
    public static func read(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> SourceRunPolicy {
        let errors = ctx.errors
        var p = SourceRunPolicy(globals: ctx.globals)
        func nonNegative(_ name: String) throws(ConfigError) -> Double? {
            guard let o = reader.take(name) else { return nil }
            return try OptionReader.nonNegativeSeconds(o, errors: errors)
        }
        if let t = try nonNegative("stop-timeout") { p.stopTimeout = t }
        if let r = try reader.bool("restart-on-failure") { p.restartOnFailure = r }
        if let d = try nonNegative("restart-delay") { p.restartDelay = d }
        if let m = try nonNegative("restart-delay-max") { p.restartDelayMax = m }
        p.restartDelayMax = max(p.restartDelayMax, p.restartDelay)
        return p
    }
}
