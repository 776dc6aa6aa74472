import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The RFC 3164 parser against syslog-ng 3.38, through the real binary: the lines of
/// `Tests/Fixtures/rfc3164/lines.txt` (written here: real-world shapes, malformed PRIs, Cisco
/// sequence numbers, hostname and stamp variants, …) piped into `stdin()`, each field compared
/// with what syslog-ng 3.38 wrote for the same file (`expected.txt`, made by
/// `scripts/compare-parser.py --golden`, normalised the same way: stamps of "now" as `<now>`,
/// the year dropped, the local host name as `<local>`, syslog-ng's own PID as `PID`).
@Suite(.timeLimit(.minutes(2))) struct ParserGoldenTests {
    static let template = "${PRI}|${ISODATE}|${HOST}|${PROGRAM}|${PID}|${MSGHDR}|${MSG}|${SDATA}\\n"

    static func localHost() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? "")
    }

    /// The normalised form of one output line (see the suite's description).
    static func normalise(_ line: String, now: Int64, host: String) -> String {
        var parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, let t = Self.epoch(parts[1]) {
            parts[1] = abs(t - now) < 120 ? "<now>" : String(parts[1].dropFirst(5))
        }
        if parts.count > 2, parts[2] == host { parts[2] = "<local>" }
        if parts.count > 5, parts[3] == "syslog-ng", Int(parts[4]) != nil {
            parts[4] = "PID"
            parts[5] = "syslog-ng[PID]: "
        }
        return parts.joined(separator: "|")
    }

    /// The lines of a file as bytes.
    static func rawLines(_ path: String) -> [[UInt8]] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var all: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            all += buf[0..<n]
        }
        return all.split(separator: 10, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// UTF-8 text with each byte that is not part of valid UTF-8 written `\xNN` (as Python's
    /// `backslashreplace`, which made `expected.txt`).
    static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let len = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if len > 0, i + len <= bytes.count, let s = String(validating: bytes[i..<(i + len)], as: UTF8.self) {
                out += s
                i += len
            } else {
                let hex = Array("0123456789abcdef")
                out += "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
                i += 1
            }
        }
        return out
    }

    /// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS+00:00` (the daemon runs with TZ=UTC).
    static func epoch(_ iso: String) -> Int64? {
        let d = Array(iso.utf8)
        guard d.count >= 19 else { return nil }
        func n(_ a: Int, _ len: Int) -> Int? { Int(String(decoding: d[a..<(a + len)], as: UTF8.self)) }
        guard let y = n(0, 4), let mo = n(5, 2), let day = n(8, 2), let h = n(11, 2), let mi = n(14, 2), let s = n(17, 2) else { return nil }
        // Days from the civil date (proleptic Gregorian).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((mo + 9) % 12) + 2) / 5 + day - 1
        let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
        return Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + s)
    }

    @Test("Every line parses field for field as syslog-ng 3.38 parses it")
    func matchesSyslogNG() throws {
        let s = PythonSourceEndToEndTests.Scratch()
        let fixtures = DaemonProcess.fixtures + "/rfc3164"
        s.write("""
            options { keep-hostname(yes); };
            source s { stdin(); };
            destination d { file("\(s.out)" template("\(Self.template)")); };
            log { source(s); destination(d); };
            """)
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: s.conf, dir: s.dir), dir: s.dir,
                                  environment: ["TZ": "UTC"], stdinPipe: true)
        // As bytes: some lines are not valid UTF-8 on purpose.
        let input: [UInt8] = Self.rawLines(fixtures + "/lines.txt").flatMap { (l: [UInt8]) -> [UInt8] in l + [10] }
        var off = 0
        while off < input.count {
            let n = input.withUnsafeBytes { write(d.stdinFD, $0.baseAddress! + off, input.count - off) }
            if n <= 0 { break }
            off += n
        }
        d.closeStdin()
        #expect(d.wait(timeout: 30) == 0, "\(s.stderr)")
        let now = Int64(time(nil))
        let host = Self.localHost()
        let expected = lines(fixtures + "/expected.txt")
        let got = Self.rawLines(s.out).map { Self.normalise(Self.escaped($0), now: now, host: host) }
        #expect(got.count == expected.count, "\(got.count) lines, syslog-ng wrote \(expected.count)")
        for (i, (g, e)) in zip(got, expected).enumerated() where g != e {
            Issue.record("output line \(i + 1):\n  syslog-ng: \(e)\n  swift:     \(g)")
        }
    }
}
