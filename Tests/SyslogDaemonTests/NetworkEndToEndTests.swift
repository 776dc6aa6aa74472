import Testing
import SyslogConfig
#if canImport(Glibc)
import Glibc
#endif

/// Network sources and destinations through the real binary, on 127.0.0.1 (ports picked by the
/// kernel: the daemon listens on port 0 and logs the address with `-v`).
@Suite(.timeLimit(.minutes(2))) struct NetworkEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    @Test("TCP lines, syslog() octet counting and UDP in: parsed, with $TRANSPORT, $SOURCEIP, $PEERPORT and SDATA")
    func receive() throws {
        let s = Scratch()
        s.write("""
            options { use-dns(no); };
            source s { network(ip("127.0.0.1") port(0)); syslog(ip("127.0.0.1") port(0)); udp(ip("127.0.0.1") port(0)); };
            destination d { file("\(s.out)" template("$TRANSPORT $SOURCEIP $HOST $PROGRAM ${.SDATA.exampleSDID@32473.iut} $MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let (d, ports) = try s.startListening(3)
        #expect(ports.count == 3, "\(s.stderr)")
        guard ports.count == 3 else { _ = d.stop(); return }
        let tcp = NetSockets.connect(ports[0])
        NetSockets.send(tcp, "<13>Dec  1 10:00:00 myhost prog[1]: hello tcp\r\n<13>Dec  1 10:00:00 myhost prog: second\n")
        close(tcp)
        let framed = NetSockets.connect(ports[1])
        let rfc5424 = #"<165>1 2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [exampleSDID@32473 iut="3"] An application event"#
        NetSockets.send(framed, "\(rfc5424.utf8.count) \(rfc5424)")
        // syslog() also takes plain lines (the first byte decides).
        let plain = NetSockets.connect(ports[1])
        NetSockets.send(plain, "<13>1 2003-10-11T22:14:15Z h app - - - plain line\n")
        close(framed)
        close(plain)
        NetSockets.sendDatagram(ports[2], "<13>Dec  1 10:00:00 uhost uprog: over udp\n")
        #expect(waitUntil { lines(s.out).count == 5 }, "\(lines(s.out))\n\(s.stderr)")
        #expect(d.stop() == 0)
        let out = Set(lines(s.out))
        #expect(out.contains("rfc3164+tcp 127.0.0.1 127.0.0.1 prog  hello tcp"), "\(out)")
        #expect(out.contains("rfc3164+tcp 127.0.0.1 127.0.0.1 prog  second"))
        #expect(out.contains("rfc5424+tcp 127.0.0.1 127.0.0.1 evntslog 3 An application event"))
        #expect(out.contains("rfc5424+tcp 127.0.0.1 127.0.0.1 app  plain line"))
        #expect(out.contains("rfc3164+udp 127.0.0.1 127.0.0.1 uprog  over udp"))
    }

    /// What the system resolver calls 127.0.0.1 (its first label), nil without a name.
    static func loopbackName() -> String? {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        var host = [CChar](repeating: 0, count: 1025)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
            }
        }
        guard rc == 0 else { return nil }
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "")
    }

    @Test("use-dns(): the sender's name is $HOST_FROM (and $HOST with keep-hostname(no)) by default, as syslog-ng; use-dns(no) keeps the address; $SOURCEIP stays the address")
    func useDNS() throws {
        let s = Scratch()
        s.write("""
            source s { network(ip("127.0.0.1") port(0)); network(ip("127.0.0.1") port(0) use-dns(no));
                       network(ip("127.0.0.1") port(0) use-dns(persist_only)); };
            destination d { file("\(s.out)" template("$HOST_FROM $HOST $SOURCEIP $MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let (d, ports) = try s.startListening(3)
        guard ports.count == 3 else { _ = d.stop(); Issue.record("ports: \(s.stderr)"); return }
        for (i, p) in ports.enumerated() {
            let fd = NetSockets.connect(p)
            NetSockets.send(fd, "<13>Dec  1 10:00:00 sender prog: m\(i)\n")
            close(fd)
        }
        #expect(waitUntil { lines(s.out).count == 3 })
        #expect(d.stop() == 0)
        let out = Set(lines(s.out))
        let name = Self.loopbackName() ?? "127.0.0.1"
        #expect(out.contains("\(name) \(name) 127.0.0.1 m0"), "\(out)")
        #expect(out.contains("127.0.0.1 127.0.0.1 127.0.0.1 m1"), "\(out)")
        #expect(out.contains { $0.hasSuffix(" 127.0.0.1 m2") && !$0.hasPrefix("sender") }, "\(out)")
    }

    @Test("keep-hostname(yes) keeps the sender's HOST; $PEERIP/$PEERPORT name the connection")
    func keepHostname() throws {
        let s = Scratch()
        s.write("""
            source s { network(ip("127.0.0.1") port(0) keep-hostname(yes)); };
            destination d { file("\(s.out)" template("$HOST $PEERIP $PEERPORT\\n")); };
            log { source(s); destination(d); };
            """)
        let (d, ports) = try s.startListening(1)
        guard let port = ports.first else { _ = d.stop(); Issue.record("no port: \(s.stderr)"); return }
        let fd = NetSockets.connect(port)
        NetSockets.send(fd, "<13>Dec  1 10:00:00 myhost prog: x\n")
        #expect(waitUntil { lines(s.out).count == 1 })
        close(fd)
        #expect(d.stop() == 0)
        let f = (lines(s.out).first ?? "").split(separator: " ")
        #expect(f.count == 3 && f[0] == "myhost" && f[1] == "127.0.0.1" && Int(f[2]) ?? 0 > 0, "\(f)")
    }

    @Test("Hostile input: more than max-connections refused, a bogus octet count closes that connection (counted), an oversized line is split; the others keep flowing")
    func hostile() throws {
        let s = Scratch()
        s.write("""
            source s { syslog(ip("127.0.0.1") port(0) max-connections(2) log-msg-size(64)); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let (d, ports) = try s.startListening(1)
        guard let port = ports.first else { _ = d.stop(); Issue.record("no port: \(s.stderr)"); return }
        let good = NetSockets.connect(port)
        let bad = NetSockets.connect(port)
        #expect(good >= 0 && bad >= 0)
        NetSockets.send(good, "<13>1 - h a - - - first\n")
        #expect(waitUntil { lines(s.out).contains("first") }, "\(s.stderr)")
        // A third connection is refused: the daemon closes it.
        let third = NetSockets.connect(port)
        #expect(NetSockets.closedByPeer(third, timeout: 5), "third connection not refused")
        close(third)
        #expect(s.stderr.contains("Number of allowed concurrent connections reached, rejecting connection"))
        // An octet count that is not a number closes that connection only.
        NetSockets.send(bad, "12x <13>1 - h a - - - garbage\n")
        #expect(NetSockets.closedByPeer(bad, timeout: 5), "bogus frame did not close the connection")
        close(bad)
        #expect(waitUntil { s.stderr.contains("Error reading frame, closing connection") })
        // An oversized line is split at log-msg-size and logged.
        NetSockets.send(good, "<13>1 - h a - - - " + String(repeating: "x", count: 100) + "\n<13>1 - h a - - - last\n")
        #expect(waitUntil { lines(s.out).contains("last") }, "\(lines(s.out))")
        #expect(s.stderr.contains("Incoming message longer than log-msg-size, truncating"))
        close(good)
        #expect(d.stop() == 0)
    }

    @Test("network() destination: the default template over TCP, reconnecting after the server closed the connection")
    func tcpDestination() throws {
        let (listener, port) = NetSockets.listen()
        defer { close(listener) }
        let s = Scratch()
        let gate = s.dir + "/gate"
        s.write("""
            source s { python(class("pstest.GatedCounter") options("gate" => "\(gate)")); };
            destination d { network("127.0.0.1" port(\(port)) time-reopen(1)); };
            log { source(s); destination(d); };
            """)
        writeText(gate, "3")
        let d = try s.start()
        let c1 = NetSockets.accept(listener, timeout: 10)
        #expect(c1 >= 0)
        let first = String(decoding: NetSockets.read(c1, timeout: 10) { $0.filter { $0 == 10 }.count >= 3 }, as: UTF8.self)
        let got = first.split(separator: "\n")
        #expect(got.count == 3, "\(first)")
        #expect(got.first.map { $0.hasPrefix("<13>") && $0.hasSuffix("gated 1") } == true, "\(first)")
        // The server goes away; the destination notices and connects again.
        close(c1)
        usleep(300_000)
        writeText(gate, "6")
        let c2 = NetSockets.accept(listener, timeout: 10)
        #expect(c2 >= 0, "\(s.stderr)")
        let second = String(decoding: NetSockets.read(c2, timeout: 10) { String(decoding: $0, as: UTF8.self).contains("gated 6") }, as: UTF8.self)
        #expect(second.contains("gated 6"), "\(second)\n\(s.stderr)")
        close(c2)
        #expect(d.stop() == 0)
    }

    @Test("Relay: fetcher -> A -> syslog() over TCP -> B -> file delivers every message once, in order, with flow control, across SIGHUPs of B")
    func relayAcrossReload() throws {
        let count = 60_000
        let b = Scratch()
        b.write("""
            source s { syslog(ip("127.0.0.1") port(0)); };
            destination d { file("\(b.out)" template("$MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let (bd, ports) = try b.startListening(1)
        guard let port = ports.first else { _ = bd.stop(); Issue.record("no port: \(b.stderr)"); return }
        let a = Scratch()
        a.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => \(count)) fetch-no-data-delay(0.1)); };
            destination d { syslog("127.0.0.1" port(\(port)) time-reopen(1)); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let ad = try a.start()
        var seenAtReloads: [Int] = []
        for _ in 0..<3 {
            _ = waitUntil(timeout: 5) { lines(b.out).count > 0 }
            seenAtReloads.append(lines(b.out).count)
            bd.signal(SIGHUP)
            usleep(200_000)
        }
        // The reloads happened while messages were flowing.
        #expect(seenAtReloads.first.map { $0 > 0 && $0 < count } == true, "\(seenAtReloads)")
        #expect(waitUntil(timeout: 60) { lines(b.out).count >= count }, "got \(lines(b.out).count)\n\(b.stderr)\n\(a.stderr)")
        #expect(ad.stop() == 0)
        usleep(200_000)
        #expect(bd.stop() == 0)
        let got = lines(b.out)
        #expect(got.count == count, "\(got.count) lines")
        #expect(got == (1...count).map { "msg \($0)" }, "first difference at \(zip(got, (1...count).map { "msg \($0)" }).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1)")
        #expect(b.stderr.contains("Configuration reload finished"))
    }

    @Test("unix-stream() and unix-dgram(): local messages ($HOST the local host, $TRANSPORT local+…), socket files made with perm() and removed when the source goes")
    func unixSockets() throws {
        let s = Scratch()
        let stream = s.dir + "/stream.sock", dgram = s.dir + "/dgram.sock"
        s.write("""
            source s { unix-stream("\(stream)" perm(0600)); unix-dgram("\(dgram)"); };
            destination d { file("\(s.out)" template("$TRANSPORT $SOURCEIP $PROGRAM $MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let d = try s.start(["-v"])
        var st = stat()
        _ = waitUntil { stat(stream, &st) == 0 && stat(dgram, &st) == 0 && s.stderr.contains("syslog-ng starting up") }
        #expect(stat(stream, &st) == 0 && st.st_mode & 0o777 == 0o600, "\(s.stderr)")
        let fd = NetSockets.unixConnect(stream)
        #expect(fd >= 0)
        NetSockets.send(fd, "<13>Dec  1 10:00:00 prog[5]: over a unix stream\n")
        close(fd)
        #expect(NetSockets.unixSendDatagram(dgram, "<13>Dec  1 10:00:00 other: over a unix datagram"))
        #expect(waitUntil { lines(s.out).count == 2 }, "\(lines(s.out))\nstderr: \(s.stderr)")
        // A reload without the sources removes their socket files.
        writeText(s.conf, "@version: 4.8\nsource s { example-msg-generator(num(1)); };\ndestination d { file(\"\(s.out)\"); };\nlog { source(s); destination(d); };\n")
        d.signal(SIGHUP)
        #expect(waitUntil { stat(stream, &st) != 0 && stat(dgram, &st) != 0 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        let out = Set(lines(s.out))
        #expect(out.contains("local+unix-stream 127.0.0.1 prog over a unix stream"), "\(out)")
        #expect(out.contains("local+unix-dgram 127.0.0.1 other over a unix datagram"), "\(out)")
    }

    @Test("examples/network.conf: TCP, UDP and RFC 5424 in (its ports swapped for free ones)")
    func networkExample() throws {
        let s = Scratch()
        let path = DaemonProcess.packageRoot + "/examples/network.conf"
        #expect(try DaemonProcess.run(["-s", "-f", path], dir: s.dir) == 0)
        let text = (readText(path) ?? "").substituting("port(5514)", with: "port(0)")
            .substituting("port(5601)", with: "port(0)").substituting(".run/network.log", with: s.out)
        writeText(s.conf, text)
        let (d, ports) = try s.startListening(3)
        #expect(ports.count == 3, "\(s.stderr)")
        guard ports.count == 3 else { _ = d.stop(); return }
        let fd = NetSockets.connect(ports[0])
        NetSockets.send(fd, "<13>Dec  1 10:00:00 h app: over tcp\n")
        close(fd)
        NetSockets.sendDatagram(ports[1], "<13>Dec  1 10:00:00 h app: over udp")
        let framed = NetSockets.connect(ports[2])
        let rec = "<13>1 2026-12-01T10:00:00Z h app - - - in RFC 5424"
        NetSockets.send(framed, "\(rec.utf8.count) \(rec)")
        close(framed)
        #expect(waitUntil { lines(s.out).count == 3 }, "\(lines(s.out))")
        #expect(d.stop() == 0)
        let out = lines(s.out).joined(separator: "\n")
        #expect(out.contains("rfc3164+tcp 127.0.0.1 app over tcp"), "\(out)")
        #expect(out.contains("rfc3164+udp 127.0.0.1 app over udp"))
        #expect(out.contains("rfc5424+tcp 127.0.0.1 app in RFC 5424"))
    }

    @Test("Two sources on one address refuse the configuration; a bad transport is a config error")
    func configErrors() throws {
        let (l, port) = NetSockets.listen()
        defer { close(l) }
        let s = Scratch()
        s.write("""
            source s { network(ip("127.0.0.1") port(\(port))); };
            destination d { file("\(s.out)"); };
            log { source(s); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["Error binding socket", "127.0.0.1:\(port)"])
        let s2 = Scratch()
        s2.write("""
            source s { network(ip("127.0.0.1") port(0) transport("sctp")); };
            destination d { file("\(s2.out)"); };
            log { source(s); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s2, code: 1, ["Unsupported transport 'sctp'"])
    }
}

/// Python destinations fed from the network: the spec's DS-01 with TCP input.
@Suite(.timeLimit(.minutes(2))) struct PythonDestinationNetworkTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    @Test("DS-01 value-pairs(key('MSG') pair('HOST','bzorp') pair('DATE','$ISODATE') key('MSGHDR')) for each TCP input message")
    func ds01OverTCP() throws {
        let s = Scratch()
        s.write("""
            source s { network(ip("127.0.0.1") port(0)); };
            destination d { python(class("pdtest.DateHostHeaderMessage")
                                   value-pairs(key('MSG') pair('HOST', 'bzorp') pair('DATE', '$ISODATE') key('MSGHDR'))); };
            destination f { file("\(s.out)" template("$ISODATE bzorp $MSGHDR$MSG\\n")); };
            log { source(s); destination(d); destination(f); };
            """)
        let (d, ports) = try s.startListening(1)
        guard let port = ports.first else { _ = d.stop(); Issue.record("no port: \(s.stderr)"); return }
        let fd = NetSockets.connect(port)
        for i in 1...3 { NetSockets.send(fd, "<13>Dec  1 10:00:0\(i) host prog[\(i)]: message number \(i)\n") }
        close(fd)
        #expect(waitUntil { s.values("ds01").count == 3 && lines(s.out).count == 3 }, "\(s.reportLines)\n\(s.stderr)")
        #expect(d.stop() == 0)
        // What the plugin wrote is what a file destination with the same template writes.
        #expect(s.values("ds01") == lines(s.out), "\(s.values("ds01")) vs \(lines(s.out))")
        #expect(s.values("ds01").first?.hasSuffix(" bzorp prog[1]: message number 1") == true)
    }
}

/// TLS in and out: two daemons, certificates made with `openssl` for the test.
@Suite(.timeLimit(.minutes(2))) struct NetworkTLSEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// A CA, a server certificate for 127.0.0.1/localhost and a client certificate in `dir`.
    static func makeCertificates(_ dir: String) -> Bool {
        writeText(dir + "/server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = """
            cd '\(dir)' && \
            openssl req -x509 \(ec) -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca && \
            openssl req \(ec) -keyout server.key -out server.csr -subj /CN=localhost && \
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext && \
            openssl req \(ec) -keyout client.key -out client.csr -subj /CN=client && \
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 && \
            openssl req -x509 \(ec) -keyout other.key -out other.pem -days 2 -subj /CN=other-ca
            """
        return system("(\(script)) >/dev/null 2>&1") == 0
    }

    @Test("syslog(transport(tls)) out and in: every message once, client certificate required and checked, $TRANSPORT rfc5424+tls")
    func tlsRelay() throws {
        let b = Scratch()
        #expect(Self.makeCertificates(b.dir), "openssl failed")
        let c = b.dir
        b.write("""
            source s { syslog(ip("127.0.0.1") port(0) transport("tls")
                              tls(key-file("\(c)/server.key") cert-file("\(c)/server.pem") ca-file("\(c)/ca.pem"))); };
            destination d { file("\(b.out)" template("$TRANSPORT $MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let (bd, ports) = try b.startListening(1)
        guard let port = ports.first else { _ = bd.stop(); Issue.record("no port: \(b.stderr)"); return }
        let a = Scratch()
        a.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 500) fetch-no-data-delay(0.1)); };
            destination d { syslog("127.0.0.1" port(\(port)) transport("tls") time-reopen(1)
                                   tls(ca-file("\(c)/ca.pem") key-file("\(c)/client.key") cert-file("\(c)/client.pem"))); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        let ad = try a.start()
        #expect(waitUntil { lines(b.out).count >= 500 }, "\(lines(b.out).count)\n\(a.stderr)\n\(b.stderr)")
        #expect(ad.stop() == 0)
        #expect(bd.stop() == 0)
        #expect(lines(b.out) == (1...500).map { "rfc5424+tls msg \($0)" })
    }

    @Test("TLS refusals: a client without a certificate (required-trusted) and a server the client's CA does not trust deliver nothing and are logged")
    func tlsRefusals() throws {
        let b = Scratch()
        #expect(Self.makeCertificates(b.dir), "openssl failed")
        let c = b.dir
        b.write("""
            source s { network(ip("127.0.0.1") port(0) transport("tls")
                               tls(key-file("\(c)/server.key") cert-file("\(c)/server.pem") ca-file("\(c)/ca.pem"))); };
            destination d { file("\(b.out)"); };
            log { source(s); destination(d); };
            """)
        let (bd, ports) = try b.startListening(1)
        guard let port = ports.first else { _ = bd.stop(); Issue.record("no port: \(b.stderr)"); return }
        // No client certificate.
        let a = Scratch()
        a.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 3) fetch-no-data-delay(0.1)); };
            destination d { network("127.0.0.1" port(\(port)) transport("tls") time-reopen(1) tls(ca-file("\(c)/ca.pem"))); };
            log { source(s); destination(d); };
            """)
        let ad = try a.start()
        #expect(waitUntil { b.stderr.contains("Error on connection, closing it") }, "\(b.stderr)\n\(a.stderr)")
        _ = ad.stop()
        // The client does not trust the server's CA.
        let a2 = Scratch()
        a2.write("""
            source s { python-fetcher(class("pftest.Counter") options("count" => 3) fetch-no-data-delay(0.1)); };
            destination d { network("127.0.0.1" port(\(port)) transport("tls") time-reopen(1)
                                    tls(ca-file("\(c)/other.pem") key-file("\(c)/client.key") cert-file("\(c)/client.pem"))); };
            log { source(s); destination(d); };
            """)
        let ad2 = try a2.start()
        #expect(waitUntil { a2.stderr.contains("Connection failed") }, "\(a2.stderr)")
        _ = ad2.stop()
        #expect(bd.stop() == 0)
        #expect(lines(b.out).isEmpty, "\(lines(b.out))")
    }

    @Test("A TLS source without key-file()/cert-file() is refused at start-up; transport(tls) without tls() is a config error")
    func tlsConfigErrors() throws {
        let s = Scratch()
        s.write("""
            source s { network(ip("127.0.0.1") port(0) transport("tls") tls(ca-file("/nonexistent"))); };
            destination d { file("\(s.out)"); };
            log { source(s); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s, ["a TLS source needs key-file() and cert-file()"])
        let s2 = Scratch()
        s2.write("""
            source s { network(ip("127.0.0.1") port(0) transport("tls")); };
            destination d { file("\(s2.out)"); };
            log { source(s); destination(d); };
            """)
        try PythonSourceEndToEndTests.expectStartupFailure(s2, code: 1, ["needs tls("])
    }
}
