import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The control socket speaks syslog-ng-ctl's protocol: STATS, RELOAD, STOP.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ControlSocketEndToEndTests {
    /// Sends one command line and reads the answer up to the closing "." line.
    static func command(_ path: String, _ line: String) -> String? {
        let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { return nil }
        defer { close(s) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { return nil }
        var text = line + "\n"
        text.withUTF8 { _ = write(s, $0.baseAddress, $0.count) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !out.suffix(2).elementsEqual(Array(".\n".utf8)) || out.count < 2 {
            let n = buf.withUnsafeMutableBytes { read(s, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func statsReloadAndStop() throws {
        let dir = makeTempDir()
        let conf = dir + "/ctl.conf"
        writeText(conf, """
        @version: 4.8
        source s_gen { example-msg-generator(num(25) freq(0) template("m")); };
        destination d_out { file("\(dir)/out.log" template("$MSG\\n")); };
        log { source(s_gen); destination(d_out); };
        """)
        let ctl = dir + "/ctl"
        let d = try DaemonProcess(["-F", "-e", "-f", conf, "-R", dir + "/persist", "-p", dir + "/pid", "-c", ctl], dir: dir)
        #expect(waitUntil { lines(dir + "/out.log").count == 25 })
        let stats = Self.command(ctl, "STATS") ?? ""
        #expect(stats.hasPrefix("SourceName;SourceId;SourceInstance;State;Type;Number\n"))
        #expect(stats.contains("source;s_gen;;a;processed;25\n"))
        #expect(stats.contains("dst.file;d_out#0;affile_dd_writers(\(dir)/out.log);a;processed;25\n"))
        #expect(stats.hasSuffix("\n.\n"))
        #expect(Self.command(ctl, "BOGUS") == "FAIL Invalid command\n.\n")
        #expect(Self.command(ctl, "RELOAD") == "OK Config reload initiated\n.\n")
        #expect(waitUntil { d.stderr.contains("Configuration reload finished") })
        #expect(Self.command(ctl, "STOP") == "OK Shutdown initiated\n.\n")
        #expect(d.wait(timeout: 20) == 0)
        #expect(readText(ctl) == nil)
    }
}
