import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `default-network-drivers()` and `system()`: sources made of other drivers, as syslog-ng's.
@Suite(.timeLimit(.minutes(2))) struct SourceGroupsEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    @Test("default-network-drivers(): RFC 3164 on UDP and TCP, RFC 5424 on the syslog() port; ports and flags() as given")
    func defaultNetworkDrivers() throws {
        let s = Scratch()
        s.write("""
            options { use-dns(no); };
            source s { default-network-drivers(ip("127.0.0.1") udp-port(0) tcp-port(0) rfc5424-tcp-port(0) tags("net")); };
            destination d { file("\(s.out)" template("$TRANSPORT $PROGRAM $TAGS $MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let (d, ports) = try s.startListening(3)
        #expect(ports.count == 3, "\(s.stderr)")
        guard ports.count == 3 else { _ = d.stop(); return }
        NetSockets.sendDatagram(ports[0], "<13>Dec  1 10:00:00 h udpprog: over udp")
        let tcp = NetSockets.connect(ports[1])
        NetSockets.send(tcp, "<13>Dec  1 10:00:00 h tcpprog: over tcp\n")
        close(tcp)
        let framed = NetSockets.connect(ports[2])
        let record = "<13>1 2026-12-02T10:00:00Z h app5424 - - - over rfc5424"
        NetSockets.send(framed, "\(record.utf8.count) \(record)")
        close(framed)
        #expect(waitUntil { lines(s.out).count == 3 }, "\(lines(s.out))\n\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(Set(lines(s.out)) == ["rfc3164+udp udpprog net,.source.s over udp", "rfc3164+tcp tcpprog net,.source.s over tcp",
                                      "rfc5424+tcp app5424 net,.source.s over rfc5424"], "\(lines(s.out))")
    }

    @Test("default-network-drivers() with an unknown option or a bad port is a config error at its place")
    func defaultNetworkDriversErrors() throws {
        let s = Scratch()
        s.write("source s { default-network-drivers(udp-port(70000)); };\nlog { source(s); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains("udp-port() must be between 0 and 65535"), "\(s.stderr)")
        #expect(s.stderr.contains("test.conf:2:12") || s.stderr.contains(":2:12"), "\(s.stderr)")
        s.write("source s { default-network-drivers(no-such-option(1)); };\nlog { source(s); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains("Unknown option 'no-such-option'"), "\(s.stderr)")
    }

    @Test("system(): /dev/log datagrams are local messages; the kernel log arrives with $PROGRAM kernel, once across a restart")
    func system() throws {
        var st = stat()
        // A socket file left by an interrupted run (nobody reads it) is removed.
        if stat("/dev/log", &st) == 0, st.st_mode & S_IFMT == S_IFSOCK, !NetSockets.unixSendDatagram("/dev/log", "probe") {
            unlink("/dev/log")
        }
        if stat("/dev/log", &st) == 0 || getuid() != 0 {
            // Another logger owns /dev/log here (or we may not bind it): only the expansion is checked.
            let s = Scratch()
            s.write("source s { system(); };\ndestination d { file(\"\(s.out)\"); };\nlog { source(s); destination(d); };")
            #expect(try DaemonProcess.run(["-s", "-f", s.conf], dir: s.dir, environment: s.environment()) == 0, "\(s.stderr)")
            return
        }
        let s = Scratch()
        s.write("""
            source s { system(); };
            destination d { file("\(s.out)" template("$TRANSPORT $PROGRAM $MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let d = try s.start()
        _ = waitUntil { stat("/dev/log", &st) == 0 && s.stderr.contains("syslog-ng starting up") }
        #expect(NetSockets.unixSendDatagram("/dev/log", "<13>Dec  1 10:00:00 devlogtest[1]: via /dev/log"))
        let tag = "syslog-swift-test-\(getpid())-\(Int(now() * 1000))"
        let kmsg = open("/dev/kmsg", O_WRONLY)
        let canWriteKernelLog = kmsg >= 0
        if kmsg >= 0 {
            let line = "<14>kmsgtest: \(tag)\n"
            _ = line.withCString { write(kmsg, $0, strlen($0)) }
            close(kmsg)
        }
        #expect(waitUntil { lines(s.out).contains("local+unix-dgram devlogtest via /dev/log") }, "\(s.stderr)")
        if canWriteKernelLog {
            #expect(waitUntil { lines(s.out).contains("local+file kernel kmsgtest: \(tag)") || lines(s.out).contains { $0.hasSuffix("kernel kmsgtest: \(tag)") } },
                    "\(lines(s.out).suffix(5))\n\(s.stderr)")
        }
        #expect(d.stop() == 0)
        #expect(stat("/dev/log", &st) != 0, "the socket file is removed at exit")
        guard canWriteKernelLog else { return }
        // Restarted with the same persist file: the record is not read again.
        unlink(s.dir + "/stderr.log")
        let d2 = try s.start()
        _ = waitUntil { s.stderr.contains("syslog-ng starting up") }
        usleep(500_000)
        #expect(d2.stop() == 0)
        #expect(lines(s.out).filter { $0.hasSuffix("kmsgtest: \(tag)") }.count == 1)
    }
}
