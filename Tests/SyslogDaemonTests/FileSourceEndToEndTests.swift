import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `file()`, `wildcard-file()` and `pipe()` sources through the real binary: following,
/// rotation (rename and copytruncate), deletion, positions across restarts, reloads and
/// `kill -9`, multi-line modes.
@Suite(.timeLimit(.minutes(3))) struct FileSourceEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    /// Appends lines to a file (created when missing).
    static func append(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        precondition(fd >= 0)
        var t = text
        t.withUTF8 { b in _ = write(fd, b.baseAddress, b.count) }
        close(fd)
    }

    /// `first...last` as numbered lines `n NNNNNNN` (one write).
    static func appendNumbered(_ path: String, _ range: ClosedRange<Int>) {
        var text = ""
        text.reserveCapacity(range.count * 10)
        for i in range { text += "n \(i)\n" }
        append(path, text)
    }

    /// The numbers of the `n NNN` lines of `path`, in order.
    static func numbers(_ path: String) -> [Int] {
        lines(path).compactMap { $0.hasPrefix("n ") ? Int($0.dropFirst(2)) : nil }
    }

    static func config(_ s: Scratch, source: String, flow: Bool = false, template: String = "$MSG") -> String {
        """
        source s { \(source) };
        destination d { file("\(s.out)" template("\(template)\\n")); };
        log { source(s); destination(d); \(flow ? "flags(flow-control);" : "") };
        """
    }

    @Test("lines are followed as the file grows; $FILE_NAME, $TRANSPORT and $SEQNUM are set; a line without newline waits")
    func follows() throws {
        let s = Scratch()
        let input = s.dir + "/app.log"
        FileSourceEndToEndTests.append(input, "first\nsecond\n")
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) follow-freq(0.2));",
                                               template: "$MSG|$FILE_NAME|$TRANSPORT|$SEQNUM"))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 2 }, "\(s.stderr)")
        FileSourceEndToEndTests.append(input, "third\npartial")
        #expect(waitUntil { lines(s.out).count == 3 }, "\(s.stderr)")
        usleep(400_000)
        #expect(lines(s.out).count == 3, "an unterminated line is not a message yet")
        FileSourceEndToEndTests.append(input, " done\n")
        #expect(waitUntil { lines(s.out).count == 4 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(lines(s.out) == ["first|\(input)|local+file|1", "second|\(input)|local+file|2",
                                 "third|\(input)|local+file|3", "partial done|\(input)|local+file|4"], "\(lines(s.out))")
    }

    @Test("syslog lines are parsed unless flags(no-parse); log-msg-size() splits long lines")
    func parsesAndSplits() throws {
        let s = Scratch()
        let input = s.dir + "/syslog.log"
        FileSourceEndToEndTests.append(input, "<13>Dec  1 10:00:00 web nginx[42]: GET /\n" + String(repeating: "x", count: 75) + "\n")
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" log-msg-size(60));",
                                               template: "$PROGRAM|$PID|$MSG"))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 3 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        let out = lines(s.out)
        #expect(out.first == "nginx|42|GET /", "\(out)")
        // 75 bytes with a limit of 60: two messages (a bare word parses as a program name).
        #expect(out.count == 3 && out[1] == String(repeating: "x", count: 60) + "||" && out[2] == String(repeating: "x", count: 15) + "||",
                "\(out)")
    }

    @Test("rotation by rename and create: the old file is read to its end, the new one from its start")
    func renameRotation() throws {
        let s = Scratch()
        let input = s.dir + "/app.log"
        FileSourceEndToEndTests.appendNumbered(input, 1...100)
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) follow-freq(0.2));"))
        let d = try s.start()
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 100 }, "\(s.stderr)")
        #expect(rename(input, input + ".1") == 0)
        // The writer still appends to the renamed file before it reopens (as after logrotate).
        usleep(300_000)
        FileSourceEndToEndTests.appendNumbered(input + ".1", 101...150)
        FileSourceEndToEndTests.appendNumbered(input, 151...200)
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 200 }, "\(FileSourceEndToEndTests.numbers(s.out).count)\n\(s.stderr)")
        FileSourceEndToEndTests.appendNumbered(input, 201...250)
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 250 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(FileSourceEndToEndTests.numbers(s.out) == Array(1...250))
        #expect(s.stderr.contains("tracking of the new file is started"), "\(s.stderr)")
    }

    @Test("copytruncate: a file cut to zero is read again from its start; a deleted and recreated file is read from its start")
    func truncationAndRecreation() throws {
        let s = Scratch()
        let input = s.dir + "/app.log"
        FileSourceEndToEndTests.appendNumbered(input, 1...50)
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) follow-freq(0.2));"))
        let d = try s.start()
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 50 }, "\(s.stderr)")
        #expect(truncate(input, 0) == 0)
        usleep(500_000)
        FileSourceEndToEndTests.appendNumbered(input, 51...60)
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 60 }, "\(FileSourceEndToEndTests.numbers(s.out))\n\(s.stderr)")
        #expect(unlink(input) == 0)
        usleep(500_000)
        FileSourceEndToEndTests.appendNumbered(input, 61...70)
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 70 }, "\(FileSourceEndToEndTests.numbers(s.out))\n\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(FileSourceEndToEndTests.numbers(s.out) == Array(1...70))
        #expect(s.stderr.contains("File was truncated"), "\(s.stderr)")
    }

    @Test("a file that does not exist yet is read once it appears")
    func missingAtStart() throws {
        let s = Scratch()
        let input = s.dir + "/later.log"
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) follow-freq(0.2));"))
        let d = try s.start()
        #expect(waitUntil { s.stderr.contains("syslog-ng starting up") }, "\(s.stderr)")
        usleep(500_000)
        FileSourceEndToEndTests.appendNumbered(input, 1...5)
        #expect(waitUntil { FileSourceEndToEndTests.numbers(s.out).count == 5 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(FileSourceEndToEndTests.numbers(s.out) == Array(1...5))
    }

    @Test("restart: stopped mid-file (SIGTERM) and with lines added while down, every line arrives exactly once")
    func restartMidFile() throws {
        let s = Scratch()
        let input = s.dir + "/big.log"
        let total = 300_000
        FileSourceEndToEndTests.appendNumbered(input, 1...total)
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse));", flow: true))
        var d = try s.start()
        // Stop as soon as the first lines are out: the rest of the file is not read yet.
        #expect(waitUntil(timeout: 20) { (readBytes(s.out)?.count ?? 0) > 0 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        let first = FileSourceEndToEndTests.numbers(s.out).count
        FileSourceEndToEndTests.appendNumbered(input, (total + 1)...(total + 1000))
        d = try s.start()
        #expect(waitUntil(timeout: 60) { FileSourceEndToEndTests.numbers(s.out).count >= total + 1000 }, "\(s.stderr)")
        usleep(300_000)
        #expect(d.stop() == 0)
        let got = FileSourceEndToEndTests.numbers(s.out)
        #expect(got.count == total + 1000, "first run wrote \(first); duplicates or losses: \(got.count)")
        #expect(got == Array(1...(total + 1000)), "first run wrote \(first)")
    }

    @Test("kill -9 mid-file: nothing lost; lines read twice at most what was not acknowledged (log-iw-size) plus one 64 KiB chunk")
    func killNineMidFile() throws {
        let s = Scratch()
        let input = s.dir + "/big.log"
        let total = 300_000
        FileSourceEndToEndTests.appendNumbered(input, 1...total)
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) log-iw-size(100));", flow: true))
        var d = try s.start()
        #expect(waitUntil(timeout: 20) { (readBytes(s.out)?.count ?? 0) > 100_000 }, "\(s.stderr)")
        d.signal(SIGKILL)
        _ = d.wait(timeout: 10)
        d = try s.start()
        #expect(waitUntil(timeout: 60) { Set(FileSourceEndToEndTests.numbers(s.out)).count >= total }, "\(s.stderr)")
        usleep(300_000)
        #expect(d.stop() == 0)
        let got = FileSourceEndToEndTests.numbers(s.out)
        #expect(Set(got) == Set(1...total), "lost lines")
        // `n NNNNNN\n` is 9 bytes: one chunk holds ~7300 lines.
        let repeated = got.count - total
        #expect(repeated >= 0 && repeated <= 100 + 65_536 / 8, "repeated \(repeated)")
    }

    @Test("reloads while a file is read: every line exactly once")
    func reloadsMidFile() throws {
        let s = Scratch()
        let input = s.dir + "/app.log"
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) follow-freq(0.1));", flow: true))
        FileSourceEndToEndTests.appendNumbered(input, 1...20_000)
        let d = try s.start()
        var next = 20_001
        for _ in 0..<5 {
            usleep(150_000)
            d.signal(SIGHUP)
            FileSourceEndToEndTests.appendNumbered(input, next...(next + 4999))
            next += 5000
        }
        #expect(waitUntil(timeout: 60) { FileSourceEndToEndTests.numbers(s.out).count >= next - 1 }, "\(s.stderr)")
        usleep(300_000)
        #expect(d.stop() == 0)
        #expect(FileSourceEndToEndTests.numbers(s.out) == Array(1...(next - 1)))
    }

    @Test("multi-line-mode(indented): indented lines continue the message; the last one is posted after multi-line-timeout()")
    func multiLineIndented() throws {
        let s = Scratch()
        let input = s.dir + "/java.log"
        FileSourceEndToEndTests.append(input, "Exception in main\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\nnext message\n  continued\n")
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) multi-line-mode(indented) multi-line-timeout(0.5));",
                                               template: "[$MSG]"))
        let d = try s.start()
        #expect(waitUntil { (readText(s.out) ?? "").contains("continued") }, "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(readText(s.out) == "[Exception in main\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)]\n[next message\n  continued]\n",
                "\(readText(s.out) ?? "")")
    }

    @Test("multi-line-mode(prefix-garbage) and (prefix-suffix): messages start at the prefix; garbage is dropped, the suffix kept")
    func multiLinePrefix() throws {
        let s = Scratch()
        let a = s.dir + "/garbage.log"
        let b = s.dir + "/suffix.log"
        FileSourceEndToEndTests.append(a, "START one\nmore\nEND-GARBAGE\nSTART two\nline\n")
        FileSourceEndToEndTests.append(b, "noise\n<msg>alpha\nbeta</msg> trailing\n<msg>gamma</msg>\n")
        s.write("""
            source s1 { file("\(a)" flags(no-parse) multi-line-mode(prefix-garbage) multi-line-prefix("^START")
                             multi-line-garbage("END-GARBAGE") multi-line-timeout(0.5)); };
            source s2 { file("\(b)" flags(no-parse) multi-line-mode(prefix-suffix) multi-line-prefix("^<msg>")
                             multi-line-suffix("</msg>")); };
            destination d1 { file("\(s.dir)/a.out" template("[$MSG]\\n")); };
            destination d2 { file("\(s.dir)/b.out" template("[$MSG]\\n")); };
            log { source(s1); destination(d1); };
            log { source(s2); destination(d2); };
            """)
        let d = try s.start()
        #expect(waitUntil { (readText(s.dir + "/a.out") ?? "").contains("two") && (readText(s.dir + "/b.out") ?? "").contains("gamma") },
                "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(readText(s.dir + "/a.out") == "[START one\nmore\n]\n[START two\nline]\n", "\(readText(s.dir + "/a.out") ?? "")")
        #expect(readText(s.dir + "/b.out") == "[<msg>alpha\nbeta</msg>]\n[<msg>gamma</msg>]\n", "\(readText(s.dir + "/b.out") ?? "")")
    }

    @Test("wildcard-file(): matching files (recursive), a file created later, max-files()")
    func wildcard() throws {
        let s = Scratch()
        let base = s.dir + "/logs"
        mkdir(base, 0o755)
        mkdir(base + "/sub", 0o755)
        FileSourceEndToEndTests.append(base + "/a.log", "from a\n")
        FileSourceEndToEndTests.append(base + "/sub/b.log", "from b\n")
        FileSourceEndToEndTests.append(base + "/ignored.txt", "not matched\n")
        s.write(FileSourceEndToEndTests.config(s, source: """
            wildcard-file(base-dir("\(base)") filename-pattern("*.log") recursive(yes) flags(no-parse) follow-freq(0.2));
            """, template: "$MSG $FILE_NAME"))
        let d = try s.start()
        #expect(waitUntil { lines(s.out).count == 2 }, "\(s.stderr)")
        FileSourceEndToEndTests.append(base + "/c.log", "from c\n")
        #expect(waitUntil { lines(s.out).count == 3 }, "\(s.stderr)")
        #expect(d.stop() == 0)
        #expect(Set(lines(s.out)) == ["from a \(base)/a.log", "from b \(base)/sub/b.log", "from c \(base)/c.log"], "\(lines(s.out))")

        let limited = Scratch()
        limited.write(FileSourceEndToEndTests.config(limited, source: """
            wildcard-file(base-dir("\(base)") filename-pattern("*.log") max-files(1) flags(no-parse));
            """))
        let d2 = try limited.start()
        #expect(waitUntil { lines(limited.out).count >= 1 && limited.stderr.contains("Number of allowed monitored files reached") },
                "\(limited.stderr)")
        usleep(300_000)
        #expect(d2.stop() == 0)
        #expect(lines(limited.out).count == 1, "\(lines(limited.out))")
    }

    @Test("pipe(): a FIFO source reads what writers send (writers may come and go); a pipe() destination writes into a FIFO")
    func pipes() throws {
        let s = Scratch()
        let inFifo = s.dir + "/in.fifo"
        let outFifo = s.dir + "/out.fifo"
        #expect(mkfifo(inFifo, 0o600) == 0 && mkfifo(outFifo, 0o600) == 0)
        s.write("""
            source s { pipe("\(inFifo)" flags(no-parse)); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            destination p { pipe("\(outFifo)" template("piped $MSG\\n")); };
            log { source(s); destination(d); destination(p); };
            """)
        // Read the output FIFO as the daemon writes it.
        let reader = open(outFifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        let d = try s.start()
        #expect(waitUntil { s.stderr.contains("syslog-ng starting up") }, "\(s.stderr)")
        for i in 1...2 {
            let w = open(inFifo, O_WRONLY)
            #expect(w >= 0)
            let text = "hello \(i)\n"
            _ = text.withCString { write(w, $0, strlen($0)) }
            close(w)
        }
        #expect(waitUntil { lines(s.out).count == 2 }, "\(s.stderr)")
        var got: [UInt8] = []
        _ = waitUntil {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = read(reader, &buf, buf.count)
            if n > 0 { got += buf[0..<n] }
            return String(decoding: got, as: UTF8.self).contains("piped hello 2")
        }
        close(reader)
        #expect(d.stop() == 0)
        #expect(lines(s.out) == ["hello 1", "hello 2"])
        #expect(String(decoding: got, as: UTF8.self) == "piped hello 1\npiped hello 2\n")
    }

    @Test("a 1 GiB file is read from start to end: every line, in order, memory bounded")
    func oneGiBFile() throws {
        let s = Scratch()
        let input = s.dir + "/huge.log"
        // 16 Ki lines of 64 KiB (the number, padding, newline): 1 GiB, written in 1 MiB writes.
        let lineLength = 65_536
        let total = 16_384
        let fd = open(input, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        defer { unlink(input) }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20)
        for i in 1...total {
            var line = Array("n \(i) ".utf8)
            line += [UInt8](repeating: UInt8(ascii: "x"), count: lineLength - line.count - 1)
            line.append(0x0A)
            chunk += line
            if chunk.count >= 1 << 20 || i == total {
                _ = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        close(fd)
        s.write(FileSourceEndToEndTests.config(s, source: "file(\"\(input)\" flags(no-parse) log-msg-size(70000));", flow: true,
                                               template: "$(substr $MSG 0 12) $(length $MSG)"))
        let d = try s.start()
        #expect(waitUntil(timeout: 120) { lines(s.out).count >= total }, "\(lines(s.out).count) lines\n\(s.stderr)")
        let status = readText("/proc/\(d.pid)/status") ?? ""
        let peakKiB = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        #expect(d.stop() == 0)
        let out = lines(s.out)
        #expect(out.count == total)
        // Each line: `n NUMBER xxxxxxxx LENGTH` (its first 12 bytes and its length without the newline).
        let numbers = out.compactMap { l -> Int? in
            let parts = l.split(separator: " ")
            guard parts.count == 4, parts[0] == "n", parts[3] == String(lineLength - 1) else { return nil }
            return Int(parts[1])
        }
        let inOrder = numbers == Array(1...total)
        #expect(inOrder, "\(numbers.count) good lines; first output line: \(out.first ?? "-")")
        // Reading 1 GiB holds at most a window of lines, not the file.
        #expect(peakKiB > 0 && peakKiB < 256 * 1024, "peak RSS \(peakKiB) KiB")
    }

    @Test("examples/files.conf: csv-parser, date-parser, a conditional set-tag and subst turn the shipped CSV into JSON")
    func filesExample() throws {
        let s = Scratch()
        // The example reads a path relative to the repository root: made absolute here.
        let example = readText(DaemonProcess.packageRoot + "/examples/files.conf") ?? ""
        writeText(s.conf, example.replacingAll("\"examples/data/", with: "\"" + DaemonProcess.packageRoot + "/examples/data/"))
        let d = try s.start()
        let stdout = s.dir + "/stdout.log"
        _ = waitUntil { lines(stdout).count >= 3 }
        #expect(d.stop() == 0)
        let out = lines(stdout)
        #expect(out.count == 3, "\(out)\n\(s.stderr)")
        #expect(out.last == #"{"time":"2026-12-01T10:00:02+00:00","tags":"http-error,.source.s_access","http":{"status":"404","request":"/missing","host":"web1","bytes":"312"}}"#,
                "\(out)")
        #expect(out.first?.contains(#""tags":".source.s_access""#) == true, "\(out)")
    }

    @Test("bad file source options are config errors at their place")
    func configErrors() throws {
        let s = Scratch()
        s.write("source s { file(\"/tmp/x\" multi-line-mode(sideways)); };\nlog { source(s); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains("Unknown multi-line-mode 'sideways'"), "\(s.stderr)")
        #expect(s.stderr.contains(":2:"), "\(s.stderr)")
        s.write("source s { file(\"/tmp/x\" multi-line-mode(prefix-garbage) multi-line-prefix(\"(\")); };\nlog { source(s); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains("multi-line-prefix() regular expression"), "\(s.stderr)")
        s.write("source s { wildcard-file(filename-pattern(\"*.log\")); };\nlog { source(s); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains("wildcard-file() requires base-dir()"), "\(s.stderr)")
    }
}

extension String {
    /// `self` with every `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
