#if canImport(Glibc)
import Glibc
#endif
import SyslogTesting

/// Runs the real `syslog-swift` binary for end-to-end tests.
final class DaemonProcess {
    let pid: pid_t
    let stderrPath: String
    /// Write end of the daemon's stdin when `stdinPipe` was asked for.
    var stdinFD: Int32 = -1
    private var exitStatus: Int32?

    /// The package root, from this file's path.
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3) // Tests/SyslogDaemonTests/DaemonProcess.swift
        return "/" + parts.joined(separator: "/")
    }()

    static var binary: String {
        if let b = getenv("SYSLOG_SWIFT_BIN") { return String(cString: b) }
        return packageRoot + "/.build/debug/syslog-swift"
    }

    static var fixtures: String { packageRoot + "/Tests/Fixtures" }

    /// Why the binary must not be tested, if it is older than a source file (`swift test`
    /// alone does not relink it): nil when it is fresh or given by `SYSLOG_SWIFT_BIN`.
    static let staleness: String? = {
        guard getenv("SYSLOG_SWIFT_BIN") == nil else { return nil }
        var st = stat()
        guard stat(binary, &st) == 0 else {
            return "\(binary) does not exist: run `swift build --product syslog-swift` first (./scripts/test does)"
        }
        let built = st.st_mtim.tv_sec
        var newest: (Int, String) = (0, "")
        func scan(_ dir: String) {
            guard let d = opendir(dir) else { return }
            defer { closedir(d) }
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                // SyslogTesting (the harness) is not part of the binary.
                if name.hasPrefix(".") || name == "SyslogTesting" { continue }
                let path = dir + "/" + name
                var s = stat()
                guard stat(path, &s) == 0 else { continue }
                if (s.st_mode & S_IFMT) == S_IFDIR { scan(path) } else if s.st_mtim.tv_sec > newest.0 { newest = (s.st_mtim.tv_sec, path) }
            }
        }
        scan(packageRoot + "/Sources")
        guard newest.0 > built else { return nil }
        return "\(binary) is older than \(newest.1): run `swift build --product syslog-swift` first (./scripts/test does)"
    }()

    /// Starts the daemon with `args`, extra environment, stderr to `<dir>/stderr.log`.
    init(_ args: [String], dir: String, environment: [String: String] = [:], stdinPipe: Bool = false) throws {
        if let stale = DaemonProcess.staleness { throw TestError("stale binary: " + stale) }
        Glibc.signal(SIGPIPE, SIG_IGN)
        stderrPath = dir + "/stderr.log"
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        var pipeFDs: [Int32] = [-1, -1]
        if stdinPipe {
            guard pipe(&pipeFDs) == 0 else { throw TestError("pipe failed") }
            posix_spawn_file_actions_adddup2(&fa, pipeFDs[0], 0)
            posix_spawn_file_actions_addclose(&fa, pipeFDs[1])
        } else {
            posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&fa, 1, dir + "/stdout.log", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&fa, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env: [String] = []
        var e = environ
        while let p = e.pointee {
            env.append(String(cString: p))
            e += 1
        }
        for (k, v) in environment { env.append("\(k)=\(v)") }
        let argv = [DaemonProcess.binary] + args
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, DaemonProcess.binary, &fa, nil, &cArgs, &cEnv)
        if stdinPipe { close(pipeFDs[0]) }
        guard rc == 0 else { throw TestError("spawn \(DaemonProcess.binary) failed: \(rc)") }
        pid = child
        if stdinPipe { stdinFD = pipeFDs[1] }
    }

    /// Runs the daemon to completion (e.g. `-s`, `-V`) and returns its exit code.
    static func run(_ args: [String], dir: String, environment: [String: String] = [:],
                    timeout: Double = 30) throws -> Int32 {
        let p = try DaemonProcess(args, dir: dir, environment: environment)
        guard let code = p.wait(timeout: timeout) else {
            p.signal(SIGKILL)
            throw TestError("daemon did not exit in \(timeout)s")
        }
        return code
    }

    /// Standard args: foreground, stderr, config, persist/pid/control files in `dir`.
    static func standardArgs(config: String, dir: String) -> [String] {
        ["-F", "-e", "-f", config, "-R", dir + "/persist", "-p", dir + "/pid", "-c", dir + "/ctl"]
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Writes to the daemon's stdin.
    func writeStdin(_ text: String) {
        var t = text
        t.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = write(stdinFD, buf.baseAddress.map { $0 + off }, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        }
    }

    func closeStdin() {
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
    }

    /// Waits for exit; the exit code, or nil on timeout.
    func wait(timeout: Double) -> Int32? {
        if let s = exitStatus { return s }
        let deadline = now() + timeout
        while now() < deadline {
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                exitStatus = code
                return code
            }
            usleep(10_000)
        }
        return nil
    }

    /// Stops the daemon with SIGTERM and returns its exit code (SIGKILL after `timeout`).
    @discardableResult
    func stop(timeout: Double = 30) -> Int32? {
        closeStdin()
        signal(SIGTERM)
        if let c = wait(timeout: timeout) { return c }
        signal(SIGKILL)
        _ = wait(timeout: 5)
        return nil
    }

    var stderr: String { readText(stderrPath) ?? "" }

    deinit {
        closeStdin()
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
@discardableResult
func waitUntil(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = now() + timeout
    while now() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// A fresh temporary directory.
func makeTempDir() -> String { TestFiles.tempDir() }

func readText(_ path: String) -> String? {
    readBytes(path).map { String(decoding: $0, as: UTF8.self) }
}

/// The bytes of a file, nil when it cannot be opened.
func readBytes(_ path: String) -> [UInt8]? { TestFiles.read(path) }

func writeText(_ path: String, _ text: String) { TestFiles.write(path, Array(text.utf8)) }

/// Lines of a file (without the trailing empty one).
func lines(_ path: String) -> [String] {
    guard let t = readText(path) else { return [] }
    var l = t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if l.last == "" { l.removeLast() }
    return l
}
