import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Network sources across reloads: the listening socket and its connections are handed to the
/// new configuration, with nothing a sender wrote lost and the new options in force.
@Suite(.timeLimit(.minutes(2))) struct NetworkReloadEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// The configuration body of one generation; `slowInit` adds a Python source whose
    /// `init()` takes that long, which holds the reload between configurations.
    static func config(_ s: Scratch, sourceOptions: String = "", slowInit: Double? = nil) -> String {
        var text = """
            options { use-dns(no); };
            source s { network(ip("127.0.0.1") port(0) flags(no-parse) \(sourceOptions)); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            log { source(s); destination(d); };
            """
        if let slowInit {
            text += """

                python {
                import threading, time
                from syslogng import LogSource
                class SlowInit(LogSource):
                    def init(self, options):
                        time.sleep(\(slowInit))
                        self.stop = threading.Event()
                        return True
                    def run(self):
                        self.stop.wait()
                    def request_exit(self):
                        self.stop.set()
                };
                source slow { python(class("SlowInit")); };
                log { source(slow); destination(d); };
                """
        }
        return text
    }

    @Test("A reload between configurations: a connection that sends and closes meanwhile, and a new one that does, lose nothing")
    func closedWhilePaused() throws {
        let s = Scratch()
        s.write(Self.config(s))
        let (d, ports) = try s.startListening(1)
        guard let port = ports.first else { _ = d.stop(); Issue.record("no port: \(s.stderr)"); return }
        let early = NetSockets.connect(port)
        #expect(NetSockets.send(early, "before the reload\n"))
        #expect(waitUntil { lines(s.out).count == 1 }, "\(s.stderr)")
        // The new configuration's init() takes 2 s: the listener reads nothing meanwhile.
        s.write(Self.config(s, slowInit: 2))
        d.signal(SIGHUP)
        _ = waitUntil(timeout: 5) { s.stderr.contains("Configuration reload request received") }
        usleep(500_000)
        #expect(NetSockets.send(early, "from the old connection, then closed\n"))
        close(early)
        let late = NetSockets.connect(port)
        #expect(late >= 0)
        #expect(NetSockets.send(late, "from a new connection, then closed\n"))
        close(late)
        #expect(waitUntil(timeout: 10) { s.stderr.contains("Configuration reload finished") }, "\(s.stderr)")
        #expect(waitUntil { lines(s.out).count == 3 }, "\(lines(s.out))\n\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(Set(lines(s.out)) == ["before the reload", "from the old connection, then closed",
                                      "from a new connection, then closed"], "\(lines(s.out))")
    }

    @Test("After a reload, new connections use the new configuration's log-msg-size()")
    func newOptionsAfterReload() throws {
        let s = Scratch()
        s.write(Self.config(s))
        let (d, ports) = try s.startListening(1)
        guard let port = ports.first else { _ = d.stop(); Issue.record("no port: \(s.stderr)"); return }
        s.write(Self.config(s, sourceOptions: "log-msg-size(64)"))
        d.signal(SIGHUP)
        #expect(waitUntil(timeout: 10) { s.stderr.contains("Configuration reload finished") }, "\(s.stderr)")
        let fd = NetSockets.connect(port)
        let long = String(repeating: "x", count: 150)
        #expect(NetSockets.send(fd, long + "\n"))
        close(fd)
        #expect(waitUntil { lines(s.out).joined().count >= 150 }, "\(lines(s.out))\n\(s.stderr)")
        #expect(d.stop() == 0)
        let got = lines(s.out)
        // Split into records of at most 64 bytes, nothing lost.
        #expect(got.count >= 3 && got.allSatisfy { $0.utf8.count <= 64 }, "\(got)")
        #expect(got.joined() == long)
    }
}
