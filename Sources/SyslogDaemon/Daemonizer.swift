#if canImport(Glibc)
import Glibc
#endif

/// Going into the background without `-F`: fork, let the parent wait until the child reports
/// that it started, and exit with the child's status, as syslog-ng does.
enum Daemonizer {
    enum Outcome {
        case parent(Int32)
        case child(Int32)
        case failed(String)
    }

    static func detach() -> Outcome {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .failed(String(cString: strerror(errno))) }
        let pid = fork()
        if pid < 0 { return .failed(String(cString: strerror(errno))) }
        if pid > 0 {
            close(fds[1])
            var b: UInt8 = 1
            let n = read(fds[0], &b, 1)
            close(fds[0])
            return .parent(n == 1 ? Int32(b) : 2)
        }
        close(fds[0])
        setsid()
        let devnull = open("/dev/null", O_RDWR)
        if devnull >= 0 {
            dup2(devnull, 0)
            dup2(devnull, 1)
            dup2(devnull, 2)
            if devnull > 2 { close(devnull) }
        }
        return .child(fds[1])
    }

    static func reportStarted(_ fd: Int32) {
        var b: UInt8 = 0
        _ = write(fd, &b, 1)
        close(fd)
    }
}
