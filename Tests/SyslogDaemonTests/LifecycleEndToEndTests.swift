import Testing
#if canImport(Glibc)
import Glibc
#endif
import SyslogCore

/// SIGHUP reload under a steady stream and SIGTERM under load: with flow control nothing is
/// lost or duplicated.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LifecycleEndToEndTests {
    static func config(_ dir: String, prefix: String) -> String {
        """
        @version: 4.8
        options { log-fifo-size(1000); };
        source s_in { stdin(flags(no-parse) log-iw-size(50)); };
        destination d_out { file("\(dir)/out.log" template("\(prefix)$MSG\\n")); };
        log { source(s_in); destination(d_out); flags(flow-control); };
        """
    }

    /// Numbers of the lines written, with the prefix removed.
    static func numbers(_ path: String) -> [Int] {
        lines(path).compactMap { l in
            Int(l.split(separator: " ").last ?? "")
        }
    }

    @Test func reloadUnderSteadyStreamLosesNothing() throws {
        let dir = makeTempDir()
        let conf = dir + "/reload.conf"
        writeText(conf, Self.config(dir, prefix: "v1 "))
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir, stdinPipe: true)
        let total = 20000
        var next = 1
        func feed(_ n: Int) {
            var chunk = ""
            for _ in 0..<n {
                chunk += "line \(next)\n"
                next += 1
            }
            d.writeStdin(chunk)
        }
        feed(5000)
        #expect(waitUntil { lines(dir + "/out.log").count > 1000 })
        writeText(conf, Self.config(dir, prefix: "v2 "))
        d.signal(SIGHUP)
        feed(5000)
        #expect(waitUntil { d.stderr.contains("Configuration reload finished") }, "stderr: \(d.stderr)")
        // A bad config is rejected and the running one keeps going.
        writeText(conf, "@version: 4.8\nsource s { stdin( };\n")
        d.signal(SIGHUP)
        feed(5000)
        #expect(waitUntil { d.stderr.contains("Error parsing configuration") })
        writeText(conf, Self.config(dir, prefix: "v3 "))
        d.signal(SIGHUP)
        // The last lines must come after this reload (the signal is handled asynchronously).
        #expect(waitUntil { d.stderr.ranges(of: "Configuration reload finished").count >= 2 }, "stderr: \(d.stderr)")
        feed(total - next + 1)
        d.closeStdin()
        #expect(d.wait(timeout: 30) == 0, "stderr: \(d.stderr)")
        let nums = Self.numbers(dir + "/out.log")
        #expect(nums.count == total)
        #expect(nums == Array(1...total))
        let out = lines(dir + "/out.log")
        #expect(out.first?.hasPrefix("v1 ") == true)
        #expect(out.last?.hasPrefix("v3 ") == true)
        #expect(out.contains { $0.hasPrefix("v2 ") })
    }

    @Test func sigtermUnderLoadDrainsEverythingRead() throws {
        let dir = makeTempDir()
        let conf = dir + "/term.conf"
        writeText(conf, Self.config(dir, prefix: ""))
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir, stdinPipe: true)
        var chunk = ""
        for i in 1...30000 { chunk += "line \(i)\n" }
        // Write from another thread: the pipe fills up while the daemon is stopped.
        let fd = d.stdinFD
        let writer = Thread { var c = chunk; c.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress.map { $0 + off }, buf.count - off)
                if n <= 0 { break }
                off += n
            }
        } }
        #expect(waitUntil { lines(dir + "/out.log").count > 2000 })
        d.signal(SIGTERM)
        #expect(d.wait(timeout: 30) == 0, "stderr: \(d.stderr)")
        writer.join()
        let nums = Self.numbers(dir + "/out.log")
        // Everything the daemon read was written, in order, once: a prefix of the input.
        #expect(nums.count > 2000)
        #expect(nums == Array(1...nums.count))
        #expect(d.stderr.contains("syslog-ng shutting down"))
    }

    @Test func pidAndPersistFiles() throws {
        let dir = makeTempDir()
        let conf = dir + "/p.conf"
        writeText(conf, Self.config(dir, prefix: ""))
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir, stdinPipe: true)
        #expect(waitUntil { readText(dir + "/pid") == "\(d.pid)\n" })
        #expect(d.stop() == 0)
        #expect(readText(dir + "/pid") == nil)
        #expect((try? PersistStore(path: dir + "/persist"))?.get("run_id") == .int(1))
        let d2 = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir, stdinPipe: true)
        #expect(waitUntil { d2.stderr.contains("syslog-ng starting up") })
        #expect(d2.stop() == 0)
        #expect((try? PersistStore(path: dir + "/persist"))?.get("run_id") == .int(2))
    }
}

/// A plain pthread for tests that must write while the test body waits.
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }

    init(_ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, box)
    }

    func join() { pthread_join(handle, nil) }
}
