#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogCore

/// The control socket (`-c FILE`), speaking syslog-ng-ctl's line protocol: `STATS`, `RELOAD`,
/// `STOP`; every answer ends with a line holding a single `.`. So `syslog-ng-ctl -c FILE stats`
/// works against syslog-swift.
final class ControlServer: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `fd` and `thread` are set in `start` and read in `stop`
    // on the main thread; the accept thread only reads `fd` and the stats provider (a Mutex).
    let path: String
    private var fd: Int32 = -1
    private var thread: OSThread?
    private let stopping = Atomic<Bool>(false)
    /// Produces the STATS lines of the running configuration.
    let stats = Mutex<(@Sendable () -> [String])?>(nil)

    init(path: String) { self.path = path }

    /// Binds and listens; logs and returns false when the socket cannot be created.
    @discardableResult
    func start() -> Bool {
        unlink(path)
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { return fail("socket") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(s); return fail("path too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0, listen(s, 8) == 0 else { close(s); return fail("bind") }
        fd = s
        thread = OSThread.start(name: "control") { [self] in acceptLoop() }
        return true
    }

    private func fail(_ what: String) -> Bool {
        InternalLog.shared.error("Error opening control socket", [("path", path), ("error", "\(what): \(String(cString: strerror(errno)))")])
        return false
    }

    private func acceptLoop() {
        while !stopping.load(ordering: .relaxed) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 200) <= 0 { continue }
            let c = accept(fd, nil, nil)
            if c < 0 { continue }
            serve(c)
            close(c)
        }
    }

    private func serve(_ c: Int32) {
        var pending: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(c, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            pending.append(contentsOf: buf[0..<n])
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                send(c, answer(line) + ".\n")
            }
        }
    }

    func answer(_ line: String) -> String {
        let words = line.split(separator: " ")
        switch words.first?.uppercased() ?? "" {
        case "STATS":
            let lines = stats.withLock { $0?() } ?? []
            return "SourceName;SourceId;SourceInstance;State;Type;Number\n" + lines.map { $0 + "\n" }.joined()
        case "RELOAD":
            kill(getpid(), SIGHUP)
            return "OK Config reload initiated\n"
        case "STOP":
            kill(getpid(), SIGTERM)
            return "OK Shutdown initiated\n"
        default:
            return "FAIL Invalid command\n"
        }
    }

    private func send(_ c: Int32, _ text: String) {
        FileDescriptor.writeAll(c, text)
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        thread?.join()
        if fd >= 0 { close(fd) }
        unlink(path)
    }
}
