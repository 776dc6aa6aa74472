#if canImport(Glibc)
import Glibc
#endif
import Testing
import SyslogMessage

@Suite("LogStamp.now() (TSC-based where the kernel uses the TSC)")
struct ClockTests {
    private func realtimeMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    private func micros(_ s: LogStamp) -> Int64 { s.seconds * 1_000_000 + Int64(s.microseconds) }

    @Test("stays within 50 µs of CLOCK_REALTIME, before and after calibration")
    func agreesWithRealtime() {
        // Calibration needs 20 ms; run for 60 ms, then keep checking under a tight loop.
        let start = realtimeMicros()
        var worst: Int64 = 0
        var checks = 0
        while realtimeMicros() - start < 60_000 || checks < 200_000 {
            let before = realtimeMicros()
            let now = micros(LogStamp.now())
            let after = realtimeMicros()
            worst = max(worst, before - now, now - after)
            checks += 1
        }
        #expect(worst < 50, "LogStamp.now() was \(worst) µs outside [before, after]")
    }

    @Test("microseconds stay in range and time does not run backwards by more than a microsecond")
    func monotonicEnough() {
        var last = micros(LogStamp.now())
        for _ in 0..<500_000 {
            let s = LogStamp.now()
            #expect(s.microseconds >= 0 && s.microseconds < 1_000_000)
            let m = micros(s)
            if m < last - 1 { Issue.record("went back \(last - m) µs"); return }
            last = max(last, m)
        }
    }
}
