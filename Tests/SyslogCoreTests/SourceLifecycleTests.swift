import Testing
@testable import SyslogCore
import SyslogConfig

/// The threaded-source lifecycle as a pure state machine, driven with made-up times.
@Suite struct SourceLifecycleTests {
    static func policy(stop: Double = 10, restart: Bool = false, delay: Double = 1, max: Double = 8) -> SourceRunPolicy {
        var p = SourceRunPolicy()
        p.stopTimeout = stop
        p.restartOnFailure = restart
        p.restartDelay = delay
        p.restartDelayMax = max
        return p
    }

    static func running(_ p: SourceRunPolicy, at t: Double = 0) -> SourceLifecycle {
        var l = SourceLifecycle(policy: p)
        _ = l.initialized(succeeded: true)
        #expect(l.start(now: t) == [.startThread])
        return l
    }

    @Test func normalStopAsksOnceThenDeinitializes() {
        var l = Self.running(Self.policy())
        #expect(l.stopRequested(now: 5) == [.requestExit])
        #expect(l.stopRequested(now: 6) == [])
        #expect(!l.threadDone)
        #expect(l.bodyEnded(.returned, now: 7) == [.endThread])
        #expect(l.state == .stopped && l.threadDone)
        #expect(l.deinitialize() == [.deinitialize])
        #expect(l.deinitialize() == [])
        #expect(l.state == .deinitialized)
    }

    @Test func watchdogAbandonsAfterTheStopTimeoutOnly() {
        var l = Self.running(Self.policy(stop: 10))
        _ = l.stopRequested(now: 100)
        #expect(l.wakeTime == 110)
        #expect(l.watchdog(now: 109.9) == [])
        #expect(l.watchdog(now: 110.5) == [.abandon(waited: 10.5)])
        #expect(l.state == .abandoned)
        // An abandoned source is never deinitialized; if run() comes back, only its thread ends.
        #expect(l.deinitialize() == [])
        #expect(l.bodyEnded(.returned, now: 200) == [.endThread])
        #expect(l.state == .abandoned)
    }

    @Test func withoutRestartABodyThatEndsStaysStopped() {
        var l = Self.running(Self.policy())
        #expect(l.bodyEnded(.failed, now: 1) == [.endThread])
        #expect(l.state == .finished && l.threadDone)
        #expect(l.stopRequested(now: 2) == [.requestExit])
        #expect(l.state == .stopped)
        #expect(l.deinitialize() == [.deinitialize])
    }

    @Test func restartBacksOffExponentiallyUpToTheMaximum() {
        var l = Self.running(Self.policy(restart: true, delay: 1, max: 4))
        var t = 0.0
        var delays: [Double] = []
        for _ in 0..<5 {
            t += 0.5
            for case .logRestart(_, let d) in l.bodyEnded(.failed, now: t) { delays.append(d) }
            #expect(l.backoffCheck(now: t) == [])
            #expect(l.wakeTime == t + delays.last!)
            t += delays.last!
            #expect(l.backoffCheck(now: t) == [.runBody])
        }
        #expect(delays == [1, 2, 4, 4, 4])
        #expect(l.attempt == 5)
    }

    @Test func aBodyThatRanLongStartsTheBackoffAgain() {
        var l = Self.running(Self.policy(restart: true, delay: 1, max: 4))
        _ = l.bodyEnded(.returned, now: 1)
        _ = l.backoffCheck(now: 2)
        _ = l.bodyEnded(.returned, now: 2.5)
        _ = l.backoffCheck(now: 4.5)
        // Ran for 100 s: the next restart is after the first delay again.
        #expect(l.bodyEnded(.returned, now: 104.5) == [.logRestart(attempt: 1, delay: 1)])
    }

    @Test func stopDuringBackoffEndsTheThreadWithoutRequestExit() {
        var l = Self.running(Self.policy(restart: true, delay: 30))
        _ = l.bodyEnded(.failed, now: 1)
        #expect(l.stopRequested(now: 2) == [])
        #expect(l.backoffCheck(now: 2) == [.endThread])
        #expect(l.state == .stopped)
        #expect(l.deinitialize() == [.deinitialize])
    }

    @Test func stopBeforeStartOrAfterFailedInit() {
        var never = SourceLifecycle(policy: Self.policy())
        _ = never.initialized(succeeded: true)
        #expect(never.stopRequested(now: 0) == [])
        #expect(never.start(now: 1) == [])
        #expect(never.deinitialize() == [.deinitialize])

        var failed = SourceLifecycle(policy: Self.policy())
        _ = failed.initialized(succeeded: false)
        #expect(failed.start(now: 0) == [])
        #expect(failed.stopRequested(now: 0) == [])
        #expect(failed.deinitialize() == [])
    }
}

/// The runner with a real thread: a body that ignores its stop is abandoned after the timeout.
@Suite struct ThreadedSourceTests {
    final class Stubborn: ThreadedSourceBody, @unchecked Sendable {
        let driverName = "stubborn"
        let threadName = "src:stubborn"
        let release = ConditionLock()
        var released = false
        var exits = 0
        var deinits = 0
        var abandons = 0
        let honoursExit: Bool
        init(honoursExit: Bool) { self.honoursExit = honoursExit }

        func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
            release.withLock { while !released { release.wait(seconds: 0.05) } }
            return .returned
        }
        func requestExit() {
            exits += 1
            if honoursExit { release.withLock { released = true; release.broadcast() } }
        }
        func deinitialize() { deinits += 1 }
        func abandoned() { abandons += 1 }
    }

    /// A pipeline with just this source and no log paths.
    static func pipeline(_ source: ThreadedSource) -> Pipeline {
        Pipeline(globals: GlobalOptions(), destinations: [], sources: [("s", [(source, SourceOptions())])], paths: [])
    }

    @Test func abandonsAStubbornBodyAndSkipsItsDeinit() throws {
        let body = Stubborn(honoursExit: false)
        var p = SourceRunPolicy()
        p.stopTimeout = 0.2
        let runner = ThreadedSource(body, policy: p)
        let pipeline = Self.pipeline(runner)
        try pipeline.initialize()
        pipeline.start()
        let started = monotonicSeconds()
        pipeline.stopSources()
        let took = monotonicSeconds() - started
        #expect(took >= 0.2 && took < 2, "took \(took)")
        #expect(body.exits == 1 && body.abandons == 1 && body.deinits == 0)
        #expect(runner.state == .abandoned)
        pipeline.stopDestinations(drain: true)
        body.release.withLock { body.released = true }
    }

    @Test func joinsABodyThatStops() throws {
        let body = Stubborn(honoursExit: true)
        let runner = ThreadedSource(body)
        let pipeline = Self.pipeline(runner)
        try pipeline.initialize()
        pipeline.start()
        pipeline.stopSources()
        #expect(body.exits == 1 && body.abandons == 0 && body.deinits == 1)
        #expect(runner.state == .deinitialized)
        pipeline.stopDestinations(drain: true)
    }
}

/// The driver contract's two steps: a source statement is read into configuration values
/// (checked) and only built into runtime drivers when a log path uses it.
@Suite struct SourceDriverConfigTests {
    @Test func unreferencedSourcesAreCheckedButNotBuilt() throws {
        let h = Harness()
        let p = try h.build("""
            source s1 { test-src(); };
            source s_unused { test-src(); };
            destination d { collect(); };
            log { source(s1); destination(d); };
            """)
        #expect(h.source("s1") != nil)
        #expect(h.source("s_unused") == nil)
        #expect(p.sources.map { $0.name } == ["s1"])
        #expect(throws: ConfigError.self) {
            _ = try h.build("""
                source s1 { test-src(); };
                source s_unused { test-src(bogus(1)); };
                destination d { collect(); };
                log { source(s1); destination(d); };
                """)
        }
    }

    @Test(arguments: [("options { stop-timeout(-1); };", "stop-timeout() must not be negative"),
                      ("options { stall-timeout(-0.5); };", "stall-timeout() must not be negative"),
                      ("destination d2 { collect(stall-timeout(-2)); };", "stall-timeout() must not be negative")])
    func negativeTimeoutsAreConfigErrors(_ extra: String, _ message: String) {
        let h = Harness()
        do {
            _ = try h.build("""
                source s1 { test-src(); };
                destination d { collect(); };
                \(extra)
                log { source(s1); destination(d); };
                """)
            Issue.record("no error for \(extra)")
        } catch {
            #expect(error.message == message)
        }
    }
}
