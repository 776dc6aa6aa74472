#if canImport(Glibc)
import Glibc
#endif
import SyslogConfig
import SyslogCore
import SyslogDaemon
import SyslogFile

/// One golden folder, `Tests/Golden/<case>/`: `syslog.conf` (a configuration that reads
/// `stdin()` and writes `file("@OUT@")`), `input` (the bytes fed to stdin) and `expected` (what
/// the file must hold). ``runInProcess()`` builds the pipeline in this process with the daemon's
/// own registry; ``runBinary(_:)`` runs the real `syslog-swift`. Both must give `expected`.
public struct GoldenCase: Sendable {
    public let name: String
    public let directory: String
    public let config: String
    public let input: [UInt8]
    public let expected: [UInt8]

    /// Every case under `root` (one folder each), sorted by name.
    public static func all(in root: String) -> [GoldenCase] {
        guard let d = opendir(root) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted().compactMap { GoldenCase(directory: root + "/" + $0) }
    }

    public init?(directory: String) {
        guard let conf = TestFiles.read(directory + "/syslog.conf"),
              let input = TestFiles.read(directory + "/input"),
              let expected = TestFiles.read(directory + "/expected") else { return nil }
        self.name = String(directory.split(separator: "/").last ?? "")
        self.directory = directory
        self.config = String(decoding: conf, as: UTF8.self)
        self.input = input
        self.expected = expected
    }

    /// The configuration with `@OUT@` pointing at `out`.
    public func config(writingTo out: String) -> String {
        config.replacing("@OUT@", with: out)
    }

    /// Builds and runs the configuration in this process: `stdin()` reads a pipe fed with
    /// `input`; returns the output once the source reached end of input and the destinations
    /// drained.
    public func runInProcess() throws -> [UInt8] {
        let dir = TestFiles.tempDir()
        let out = dir + "/out"
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw GoldenError("pipe: \(errno)") }
        defer { close(fds[0]) }
        let registry = Daemon.makeRegistry()
        StdinSource.register(in: registry, fd: fds[0], exitOnEOF: false)
        let file = try ConfigLoader(rawBlocks: Set(registry.blockHandlers.keys))
            .parse(text: config(writingTo: out), fileName: directory + "/syslog.conf")
        let pipeline = try ConfigBuilder(config: file, registry: registry) { name, size in
            DestinationQueue(persistName: name, capacity: size)
        }.build()
        try pipeline.initialize()
        pipeline.start()
        input.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fds[1], raw.baseAddress! + off, raw.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        close(fds[1])
        let runners = pipeline.sources.flatMap { $0.drivers.compactMap { $0.driver as? ThreadedSource } }
        let deadline = monotonicSeconds() + 30
        while monotonicSeconds() < deadline
                && !runners.allSatisfy({ $0.body.driverName != "stdin" || $0.state == .finished }) {
            sleepSeconds(0.005)
        }
        pipeline.stopSources()
        pipeline.stopDestinations(drain: true)
        return TestFiles.read(out) ?? []
    }

    /// Runs `binary` on the configuration in the foreground with `input` on its stdin (it stops
    /// at end of input, as syslog-ng does); returns the output.
    public func runBinary(_ binary: String) throws -> [UInt8] {
        let dir = TestFiles.tempDir()
        let out = dir + "/out"
        let conf = dir + "/syslog.conf"
        TestFiles.write(conf, Array(config(writingTo: out).utf8))
        TestFiles.write(dir + "/input", input)
        let args = [binary, "-F", "-f", conf, "-R", dir + "/persist", "-p", dir + "/pid", "-c", dir + "/ctl"]
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, dir + "/input", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 2, dir + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var cArgs = args.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, binary, &fa, nil, &cArgs, environ) == 0 else { throw GoldenError("spawn \(binary)") }
        let deadline = monotonicSeconds() + 30
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if monotonicSeconds() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw GoldenError("\(name): the daemon did not stop at end of input")
            }
            sleepSeconds(0.01)
        }
        guard (status & 0x7f) == 0 && (status >> 8) & 0xff == 0 else {
            let err = TestFiles.read(dir + "/stderr").map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw GoldenError("\(name): exit status \(status): \(err)")
        }
        return TestFiles.read(out) ?? []
    }
}

public struct GoldenError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// File helpers for tests: read, write, a temporary directory.
public enum TestFiles {
    /// A fresh temporary directory.
    public static func tempDir() -> String {
        var template = Array("/tmp/syslog-swift-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress, let p = mkdtemp(base) else { return "/tmp" }
            return String(cString: p)
        }
    }

    /// The bytes of a file, nil when it cannot be opened.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Writes (creates or truncates) a file.
    public static func write(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        bytes.withUnsafeBytes { _ = Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
