import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `internal()` carries the daemon's own messages as syslog-ng words them; a reload into a
/// configuration that cannot initialise is reverted.
@Suite(.serialized, .timeLimit(.minutes(2))) struct InternalSourceEndToEndTests {
    static func config(_ dir: String, extra: String = "") -> String {
        """
        @version: 4.8
        source s_int { internal(); };
        destination d_int { file("\(dir)/internal.log" template("$PROGRAM $PRI $FACILITY.$LEVEL $MSG\\n")); };
        log { source(s_int); destination(d_int); };
        \(extra)
        """
    }

    @Test func lifecycleMessagesReachInternal() throws {
        let dir = makeTempDir()
        let conf = dir + "/int.conf"
        writeText(conf, Self.config(dir))
        let d = try DaemonProcess(["-F", "-f", conf, "-R", dir + "/persist", "-p", dir + "/pid", "-c", dir + "/ctl"], dir: dir)
        #expect(waitUntil { lines(dir + "/internal.log").contains { $0.contains("syslog-ng starting up") } })
        d.signal(SIGHUP)
        #expect(waitUntil { lines(dir + "/internal.log").contains { $0.contains("Configuration reload finished") } })
        #expect(d.stop() == 0)
        let l = lines(dir + "/internal.log")
        #expect(l.first == "syslog-ng 45 syslog.notice syslog-ng starting up; version='0.1.0'")
        #expect(l.contains("syslog-ng 45 syslog.notice Configuration reload request received, reloading configuration;"))
        // The shutdown notice is written before the destination drains.
        #expect(l.last == "syslog-ng 45 syslog.notice syslog-ng shutting down; version='0.1.0'")
        // Without -e nothing is printed to stderr once internal() runs.
        #expect(!d.stderr.contains("starting up"))
    }

    @Test func reloadIntoFailingConfigReverts() throws {
        let dir = makeTempDir()
        let conf = dir + "/rev.conf"
        writeText(conf, Self.config(dir))
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir)
        #expect(waitUntil { d.stderr.contains("syslog-ng starting up") })
        // Parses, but two destinations share a persist name: initialisation fails.
        writeText(conf, Self.config(dir, extra: """
        destination d1 { file("\(dir)/dup.log"); };
        destination d2 { file("\(dir)/dup.log"); };
        log { source(s_int); destination(d1); destination(d2); };
        """))
        d.signal(SIGHUP)
        #expect(waitUntil { d.stderr.contains("reverting to old config") }, "stderr: \(d.stderr)")
        #expect(waitUntil { d.stderr.contains("Configuration reverted") })
        // The old configuration runs again: its internal() still writes.
        d.signal(SIGHUP)
        #expect(waitUntil { lines(dir + "/internal.log").filter { $0.contains("reload request received") }.count >= 2 })
        #expect(d.stop() == 0)
        #expect(readText(dir + "/dup.log") == nil)
    }
}
