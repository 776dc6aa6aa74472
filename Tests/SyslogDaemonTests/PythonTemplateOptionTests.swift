import Testing

/// CF-01 / CF-04: `LogTemplate("…")` values in `options()` arrive as `syslogng.LogTemplate`.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PythonTemplateOptionTests {
    @Test("CF-01 CF-04 LogTemplate values in options()")
    func templateOptions() throws {
        let dir = makeTempDir()
        let conf = dir + "/tmpl.conf"
        writeText(conf, """
        @version: 4.8
        python {
        from syslogng import LogSource, LogMessage, LogTemplate
        class S(LogSource):
            def init(self, options):
                t, e = options["template"], options["empty"]
                m = LogMessage("hi")
                m["template"] = "value"
                with open("\(dir)/report.txt", "w") as f:
                    f.write("%s|%s|%s|%r|%r\\n" % (isinstance(t, LogTemplate), str(t), str(e) == "", t.format(m), e.format(m)))
                self.exit = False
                return True
            def run(self):
                import time
                while not self.exit:
                    time.sleep(0.02)
            def request_exit(self):
                self.exit = True
        };
        source s { python(class(S) options("template" => LogTemplate("${template}") "empty" => LogTemplate())); };
        destination d { file("\(dir)/out.log"); };
        log { source(s); destination(d); };
        """)
        let d = try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir)
        #expect(waitUntil { readText(dir + "/report.txt") != nil }, "stderr: \(d.stderr)")
        #expect(d.stop() == 0)
        #expect(readText(dir + "/report.txt") == "True|${template}|True|b'value'|b''\n")
    }
}
