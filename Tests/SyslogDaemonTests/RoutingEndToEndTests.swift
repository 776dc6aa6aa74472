import Testing

/// generator/stdin -> filters -> several files, through the real binary.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RoutingEndToEndTests {
    @Test func generatorsFiltersAndPathMacros() throws {
        let dir = makeTempDir()
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: DaemonProcess.fixtures + "/routing.conf", dir: dir),
                                  dir: dir, environment: ["TEST_OUT": dir])
        let done = waitUntil {
            lines(dir + "/all.log").count >= 550 && lines(dir + "/errors.log").count >= 200
                && lines(dir + "/app1.log").count >= 300 && lines(dir + "/rest.log").count >= 50
        }
        #expect(done, "stderr: \(d.stderr)")
        #expect(d.stop() == 0)

        let all = lines(dir + "/all.log")
        #expect(all.count == 550)
        #expect(all.filter { $0 == "s_info user.notice info message" }.count == 300)
        #expect(all.filter { $0 == "s_err user.err error message" }.count == 200)
        #expect(all.filter { $0 == "s_other user.notice other message" }.count == 50)

        // Path macros: one file per level, the directory created on demand.
        let notice = lines(dir + "/by-level/notice.log")
        let err = lines(dir + "/by-level/err.log")
        #expect(notice.count == 350)
        #expect(err.count == 200)
        #expect(err.allSatisfy { $0 == "app2 err error message" })

        // final: errors stop there; the app1 path gets only app1; fallback gets the rest.
        let errors = lines(dir + "/errors.log")
        #expect(errors.count == 200)
        #expect(errors.allSatisfy { $0.hasSuffix(" app2: error message") })
        #expect(lines(dir + "/app1.log") == Array(repeating: "app1:info message", count: 300))
        #expect(lines(dir + "/rest.log") == Array(repeating: "other message", count: 50))
    }

    @Test func stdinDefaultTemplateAndFields() throws {
        let dir = makeTempDir()
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: DaemonProcess.fixtures + "/stdin.conf", dir: dir),
                                  dir: dir, environment: ["TEST_OUT": dir], stdinPipe: true)
        d.writeStdin("hello\n<38>Nov  5 01:02:03 otherhost prog[42]: text here\n")
        d.writeStdin(String(repeating: "x", count: 500) + "\nafter the long line\n")
        d.closeStdin()
        // stdin() at EOF stops the daemon, as syslog-ng does.
        #expect(d.wait(timeout: 20) == 0, "stderr: \(d.stderr)")
        let host = GlobalHost.name
        let def = lines(dir + "/default.log")
        #expect(def.count == 6)
        let stampPattern = #/^[A-Z][a-z]{2} [ 0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] /#
        #expect(def[0].firstMatch(of: stampPattern) != nil)
        #expect(def[0].hasSuffix(" \(host) hello"))
        #expect(def[1] == "Nov  5 01:02:03 \(host) prog[42]: text here")
        // log-msg-size(200): the long line is split every 200 bytes, as syslog-ng splits it; the
        // next line is intact.
        #expect(def[2].hasSuffix(" " + String(repeating: "x", count: 200)))
        #expect(def[3].hasSuffix(" " + String(repeating: "x", count: 200)))
        #expect(def[4].hasSuffix(" " + String(repeating: "x", count: 100)))
        #expect(def[5].hasSuffix(" after the long line"))
        let fields = lines(dir + "/fields.log")
        #expect(fields[1] == "prog|42|\(host)|38|prog[42]: |text here|.source.s_in|s_in|127.0.0.1")
        // As syslog-ng 3.38: a bare word is taken as the program name, kept as the header.
        #expect(fields[0] == "hello||\(host)|13|hello||.source.s_in|s_in|127.0.0.1")
        #expect(d.stderr.contains("Input is longer than log-msg-size"))
    }

    @Test func unwritableFileIsRetriedAfterTimeReopen() throws {
        let dir = makeTempDir()
        let conf = dir + "/retry.conf"
        writeText(conf, """
        @version: 4.8
        options { time-reopen(1); };
        source s { example-msg-generator(num(5) freq(0.01) template("m")); };
        destination d_later { file("\(dir)/later/out.log" template("$MSG\\n")); };
        destination d_ok { file("\(dir)/ok.log" template("$MSG\\n")); };
        log { source(s); destination(d_later); destination(d_ok); };
        """)
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir)
        #expect(waitUntil { lines(dir + "/ok.log").count == 5 })
        #expect(waitUntil { d.stderr.contains("Error opening file for writing") })
        #expect(d.stderr.contains("filename='\(dir)/later/out.log'"))
        // The daemon keeps running; once the directory exists the queued messages are written.
        _ = mkdirPath(dir + "/later")
        #expect(waitUntil(timeout: 10) { lines(dir + "/later/out.log").count == 5 }, "stderr: \(d.stderr)")
        #expect(d.stop() == 0)
    }
}

#if canImport(Glibc)
import Glibc
#endif

enum GlobalHost {
    static var name: String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        let full = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return full.split(separator: ".").first.map(String.init) ?? full
    }
}

func mkdirPath(_ p: String) -> Bool { mkdir(p, 0o755) == 0 }
