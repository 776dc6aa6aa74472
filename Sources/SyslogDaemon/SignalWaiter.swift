#if canImport(Glibc)
import Glibc
#endif

/// Blocks SIGTERM, SIGINT and SIGHUP in every thread (call before starting any) and lets the
/// main thread wait for them synchronously — no async-signal-unsafe handlers.
enum SignalWaiter {
    enum Event { case terminate(Int32), reload, timeout }

    static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGUSR1] { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits up to `seconds` for one of the blocked signals.
    static func wait(seconds: Double) -> Event {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGUSR1] { sigaddset(&set, s) }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        let sig = sigtimedwait(&set, nil, &ts)
        switch sig {
        case SIGTERM, SIGINT: return .terminate(sig)
        case SIGHUP: return .reload
        default: return .timeout
        }
    }
}
