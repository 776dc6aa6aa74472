import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Python sources (`python(class(…))`) through the real binary, against the acceptance catalogue
/// of spec/python-api.md §13. Fixture plugins live in `Tests/Fixtures/python/pstest.py` and
/// report what they observe as `<key> <value>` lines in `$PSTEST_REPORT`.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PythonSourceEndToEndTests {
    // MARK: helpers

    /// A scratch directory, its report file and the environment the daemon runs with.
    struct Scratch {
        let dir = makeTempDir()
        var report: String { dir + "/report.txt" }
        var conf: String { dir + "/py.conf" }
        var out: String { dir + "/out.log" }

        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            var env = ["PYTHONPATH": DaemonProcess.fixtures + "/python", "PSTEST_REPORT": report]
            for (k, v) in extra { env[k] = v }
            return env
        }

        /// The environment addition that also puts `examples/python` on the path (example tests).
        static let withExamples = ["PYTHONPATH": DaemonProcess.fixtures + "/python:" + DaemonProcess.packageRoot + "/examples/python"]

        /// Writes `@version: 4.8` + `body` as the configuration.
        func write(_ body: String) { writeText(conf, "@version: 4.8\n" + body + "\n") }

        /// The daemon running the configuration in the foreground, stderr to `stderr.log`.
        func start(_ extraArgs: [String] = [], env: [String: String] = [:]) throws -> DaemonProcess {
            try DaemonProcess(DaemonProcess.standardArgs(config: conf, dir: dir) + extraArgs, dir: dir,
                              environment: environment(env))
        }

        /// Runs a daemon that is expected to exit on its own; its exit code.
        func runToExit() throws -> Int32 {
            try DaemonProcess.run(DaemonProcess.standardArgs(config: conf, dir: dir), dir: dir,
                                  environment: environment())
        }

        var stderr: String { readText(dir + "/stderr.log") ?? "" }
        var reportLines: [String] { lines(report) }

        /// Values of the report lines with `key`, in order.
        func values(_ key: String) -> [String] {
            reportLines.compactMap { l in
                guard l.hasPrefix(key + " ") || l == key else { return nil }
                return l == key ? "" : String(l.dropFirst(key.count + 1))
            }
        }

        func value(_ key: String) -> String? { values(key).first }
        var events: [String] { values("event") }
    }

    /// `source s { python(<driver>); };` logging into a file with `template`.
    static func sourceConfig(_ s: Scratch, driver: String, template: String = "$MSG",
                             logFlags: String = "", extra: String = "") -> String {
        """
        source s { python(\(driver)); };
        destination d { file("\(s.out)" template("\(template)\\n")); };
        log { source(s); destination(d); \(logFlags) };
        \(extra)
        """
    }

    /// `python(<driver>)` into a FIFO nobody reads yet, on a flow-controlled path (the destination
    /// blocks opening it, so nothing is acknowledged). Returns the FIFO's path.
    static func writeFifoConfig(_ s: Scratch, driver: String) -> String {
        let fifo = s.dir + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        s.write("""
            source s { python(\(driver)); };
            destination d { file("\(fifo)" template("$MSG\\n")); };
            log { source(s); destination(d); flags(flow-control); };
            """)
        return fifo
    }

    /// Starts, waits for `condition`, stops with SIGTERM and expects a clean exit.
    static func runUntil(_ s: Scratch, args: [String] = [], env: [String: String] = [:],
                         _ condition: () -> Bool) throws -> DaemonProcess {
        let d = try s.start(args, env: env)
        let reached = waitUntil(condition)
        #expect(reached, "report: \(s.reportLines)\nstderr: \(s.stderr)")
        #expect(d.stop() == 0, "stderr: \(s.stderr)")
        return d
    }

    /// A configuration that must fail at start-up with `code` and log every text of `texts`.
    static func expectStartupFailure(_ s: Scratch, code: Int32 = 2, _ texts: [String]) throws {
        let rc = try s.runToExit()
        #expect(rc == code, "stderr: \(s.stderr)")
        for t in texts { #expect(s.stderr.contains(t), "missing '\(t)' in stderr: \(s.stderr)") }
        #expect(!s.stderr.contains("Segmentation") && rc < 128)
    }

    // MARK: configuration and binding (CF)

    @Test("CF-01 CF-03 CF-04 CF-05 typed options() values and key - to _")
    func typedOptions() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Lifecycle")
            options("string" => "example_string" "true" => True "false" => False "long" => 123456789
                    "double" => 123.456789 "string-list" => ["string1", "string2"] "a" "1" "b-c" "x"
                    "y" => yes "n" => off "e" => [] "neg" => -42 "quoted" => "1883"
                    "h" => 0x10 "o" => 010 "k" => 1K "ki" => 1Ki "m" => 2M "negf" => -13.37)
            options("a" => "again")
            """))
        _ = try Self.runUntil(s) { s.value("options") != nil }
        let opts = s.value("options") ?? ""
        #expect(opts == "[('a', 'again'), ('b_c', 'x'), ('double', 123.456789), ('e', []), ('false', False), "
            + "('h', 16), ('k', 1000), ('ki', 1024), ('long', 123456789), ('m', 2000000), ('n', False), ('neg', -42), "
            + "('negf', -13.37), ('o', 8), ('quoted', '1883'), ('string', 'example_string'), "
            + "('string_list', ['string1', 'string2']), ('true', True), ('y', True)]")
    }

    @Test("CF-02 typed options survive a reload (the new instance gets the same values)")
    func optionsAcrossReload() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Lifecycle")
            options("string" => "example-value" "long" => -42 "double" => -13.37 "bool" => True
                    "string-list" => ["example-value-1", "example-value-2"]
                    "template" => LogTemplate("${example-template}"))
            """))
        let d = try s.start()
        #expect(waitUntil { s.values("options").count == 1 }, "\(s.reportLines)")
        d.signal(SIGHUP)
        #expect(waitUntil { s.values("options").count == 2 }, "\(s.reportLines)\n\(s.stderr)")
        #expect(d.stop() == 0)
        let opts = s.values("options")
        #expect(opts.count == 2)
        for o in opts {
            #expect(o.hasPrefix("[('bool', True), ('double', -13.37), ('long', -42), ('string', 'example-value'), "
                + "('string_list', ['example-value-1', 'example-value-2']), ('template', <"), "\(o)")
            #expect(o.contains("LogTemplate"), "\(o)")
        }
    }

    @Test("CF-06 no class() is a configuration error")
    func noClass() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "options(\"a\" \"b\")"))
        let rc = try s.runToExit()
        #expect(rc != 0)
        #expect(s.stderr.contains("Error initializing Python bindings: no class specified"), "stderr: \(s.stderr)")
    }

    @Test("CF-07 class missing from the python block: exit 2")
    func missingClass() throws {
        let s = Scratch()
        s.write("python {\nx = 1\n};\n" + Self.sourceConfig(s, driver: "class(Nope)"))
        try Self.expectStartupFailure(s, ["Error looking up Python driver class", "Error initializing message pipeline"])
    }

    @Test("CF-07 module.Class with a missing module or attribute: exit 2")
    func missingModuleClass() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"no_such_module_xyz.Cls\")"))
        try Self.expectStartupFailure(s, ["Error looking up Python driver class", "No module named 'no_such_module_xyz'"])
        let s2 = Scratch()
        s2.write(Self.sourceConfig(s2, driver: "class(\"pstest.NoSuchClass\")"))
        try Self.expectStartupFailure(s2, ["Error looking up Python driver class"])
    }

    @Test("CF-08 class not derived from LogSource fails cleanly: exit 2")
    func notASubclass() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.NotASource\")"))
        try Self.expectStartupFailure(s, ["Error instantiating Python driver class, class is not a subclass of LogSource",
                                          "Error initializing message pipeline"])
    }

    @Test("CF-09 python block raising: exit 1 with the block errors")
    func pythonBlockRaises() throws {
        let s = Scratch()
        s.write("python {\nimport os\nos.no_such_attribute\n};\n" + Self.sourceConfig(s, driver: "class(S)"))
        try Self.expectStartupFailure(s, code: 1, ["Error evaluating global Python block", "Error processing global python block",
                                                   "AttributeError", "Traceback"])
    }

    @Test("CF-10 empty python blocks are accepted; CF-25 class in a python block and in <confdir>/python")
    func emptyBlockAndClassLookups() throws {
        let s = Scratch()
        mkdir(s.dir + "/python", 0o755)
        mkdir(s.dir + "/python/cf25pkg", 0o755)
        writeText(s.dir + "/python/cf25pkg/__init__.py", "")
        writeText(s.dir + "/python/cf25pkg/mod.py", """
            import pstest
            class Cls(pstest.Idle):
                def setup(self, options):
                    pstest.note("event", "cf25pkg.mod.Cls init")
                    return True
            """)
        s.write("""
            python {};
            python { };
            python {
            import pstest
            class InBlock(pstest.Idle):
                def setup(self, options):
                    pstest.note("event", "InBlock init")
                    return True
            };
            source s1 { python(class(InBlock)); };
            source s2 { python(class("cf25pkg.mod.Cls")); };
            destination d { file("\(s.out)"); };
            log { source(s1); source(s2); destination(d); };
            """)
        _ = try Self.runUntil(s) { s.events.count == 2 }
        #expect(Set(s.events) == ["InBlock init", "cf25pkg.mod.Cls init"])
    }

    @Test("CF-11 unknown flag; CF-12 fetcher option on python()")
    func badOptions() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Idle\") flags(no-such-flag)"))
        try Self.expectStartupFailure(s, code: 1, ["Unknown flag \"no-such-flag\""])
        let s2 = Scratch()
        s2.write(Self.sourceConfig(s2, driver: "class(\"pstest.Idle\") fetch-no-data-delay(1)"))
        #expect(try s2.runToExit() == 1, "stderr: \(s2.stderr)")
    }

    @Test("CF-13 loaders() failure is logged, not fatal; CF-14 imports() is deprecated")
    func loadersAndImports() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Lifecycle\") loaders(\"nonexistent_mod_xyz\") imports(\"json\")"))
        _ = try Self.runUntil(s) { s.events.contains { $0.hasPrefix("run ") } }
        #expect(s.stderr.contains("Error loading Python module"))
        #expect(s.stderr.contains("imports() has been deprecated, please use loaders()"))
    }

    @Test("CF-15 the same class twice collides on the persist name: exit 2")
    func duplicatePersistName() throws {
        let s = Scratch()
        s.write("""
            source s1 { python(class("pstest.Idle")); };
            source s2 { python(class("pstest.Idle")); };
            destination d { file("\(s.out)"); };
            log { source(s1); source(s2); destination(d); };
            """)
        try Self.expectStartupFailure(s, ["Automatic assignment of persist names failed, as conflicting persist-names were found",
                                          "python-source(pstest.Idle)"])
    }

    @Test("CF-16 CF-18 CF-19 CF-22 persist-name() disambiguates; self.persist_name values")
    func persistNames() throws {
        let s = Scratch()
        s.write("""
            source s1 { python(class("pstest.Generated") options("key" "value") persist-name("test_persist_name")); };
            source s2 { python(class("pstest.Generated") options("key" "value2")); };
            source s3 { python(class("pstest.Lifecycle")); };
            destination d { file("\(s.out)"); };
            log { source(s1); source(s2); source(s3); destination(d); };
            """)
        _ = try Self.runUntil(s) { s.values("persist_name").count == 3 }
        #expect(Set(s.values("persist_name")) == ["python-source.test_persist_name", "python-source.value2",
                                                  "python-source(pstest.Lifecycle)"])
        #expect(s.value("persist_name_in___init__") == "False")
    }

    @Test("CF-17 generate_persist_name gives python-source.<result>")
    func generatedPersistName() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Generated\") options(\"key\" \"value\")"))
        _ = try Self.runUntil(s) { s.value("persist_name") != nil }
        #expect(s.value("persist_name") == "python-source.value")
    }

    @Test("CF-20 generate_persist_name raising falls back to the default name")
    func generatedPersistNameRaises() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.GeneratedRaises\") options(\"key\" \"value\")"))
        _ = try Self.runUntil(s) { s.value("persist_name") != nil }
        #expect(s.value("persist_name") == "python-source(pstest.GeneratedRaises)")
        #expect(s.stderr.contains("Exception: exception for testing persist"))
        #expect(s.stderr.contains("Failed while generating persist name, using default"))
    }

    @Test("CF-21 assigning self.persist_name in init() fails init")
    func persistNameReadOnly() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.SetsPersistName\")"))
        try Self.expectStartupFailure(s, ["readonly attribute", "Error initializing Python driver object, init() returned FALSE"])
    }

    @Test("CF-23 self.flags defaults and with flags(no-parse, no-multi-line)")
    func flagsDict() throws {
        let defaults = "[('assume-utf8', False), ('check-hostname', False), ('expect-hostname', True), "
            + "('guess-timezone', False), ('header', True), ('multi-line', True), ('parse', True), "
            + "('rfc3164-fallback', True), ('sanitize-utf8', False), ('store-legacy-msghdr', True), "
            + "('store-raw-message', False), ('syslog-protocol', True), ('validate-utf8', False)]"
        let s = Scratch()
        s.write("""
            source s1 { python(class("pstest.Flags") persist-name("a")); };
            source s2 { python(class("pstest.Flags") persist-name("b") flags(no-parse, no-multi-line)); };
            destination d { file("\(s.out)"); };
            log { source(s1); source(s2); destination(d); };
            """)
        _ = try Self.runUntil(s) { s.values("flags").count == 2 }
        let modified = defaults.replacingFirst("('multi-line', True), ('parse', True)", "('multi-line', False), ('parse', False)")
        #expect(Set(s.values("flags")) == [defaults, modified])
    }

    // MARK: lifecycle (PS)

    @Test("PS-01 init() returning False: exit 2, run() never called")
    func initFalse() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.InitFalse\")"))
        try Self.expectStartupFailure(s, ["Error initializing Python driver object, init() returned FALSE; driver='s#0', class='pstest.InitFalse'",
                                          "Error initializing message pipeline"])
        #expect(s.events.isEmpty, "neither run() nor deinit() may be called")
    }

    @Test("PS-02 init() raising is logged with function='init': exit 2")
    func initRaises() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.InitRaises\")"))
        try Self.expectStartupFailure(s, ["Exception while calling a Python function; caller='s#0', class='pstest.InitRaises', "
                                          + "function='init', exception='ValueError: bad option'",
                                          "Error initializing Python driver object, init() returned FALSE"])
    }

    @Test("PS-03 init() without return counts as failure: exit 2")
    func initNone() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.InitNone\")"))
        try Self.expectStartupFailure(s, ["Error initializing Python driver object, init() returned FALSE"])
        #expect(s.events.isEmpty)
    }

    @Test("PS-04 native LogSource subclass without run(): exit 2")
    func nativeWithoutRun() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.NativeNoRun\")"))
        try Self.expectStartupFailure(s, ["Error initializing Python source, class does not have a run() method"])
    }

    @Test("PS-05 syslogng.LogSource without run(): starts, NotImplementedError logged")
    func wrapperWithoutRun() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.NoRun\")"))
        _ = try Self.runUntil(s) { s.stderr.contains("NotImplementedError") }
        #expect(s.stderr.contains("function='run'"))
    }

    @Test("PS-06 suspend() without wakeup(): exit 2")
    func suspendWithoutWakeup() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.SuspendOnly\")"))
        try Self.expectStartupFailure(s, ["Error initializing Python source, class implements suspend() but wakeup() is missing"])
    }

    @Test("PS-07 PS-08 PS-15 CF-24 lifecycle order, threads, auto_close_batches reset, parse_options")
    func lifecycleOrder() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Lifecycle\")"))
        let d = try s.start()
        #expect(waitUntil { s.events.count >= 3 && s.stderr.contains("syslog-ng starting up") })
        #expect(Array(s.events.prefix(2)) == ["__init__ MainThread", "init MainThread"])
        let run = s.events.count > 2 ? s.events[2] : ""
        #expect(run.hasPrefix("run Dummy-"), "run() must run on a daemon thread: \(run)")
        #expect(d.stop() == 0)
        #expect(Array(s.events.dropFirst(3)) == ["request_exit MainThread", "run-returned", "deinit MainThread",
                                                 "finalize MainThread"])
        #expect(s.value("auto_close_batches_in_init") == "True")
        #expect(s.value("parse_options_in_init") == "None")
        #expect(s.value("parse_options_in_run") == "PyCapsule")
        #expect(s.stderr.contains("syslog-ng shutting down"))
    }

    @Test("PS-09 run() raising is logged with function='run'; the daemon keeps running")
    func runRaises() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.PostThenRaise\")"))
        let d = try s.start()
        #expect(waitUntil { s.stderr.contains("Exception while calling a Python function") && lines(s.out).count == 12 },
                "stderr: \(s.stderr)")
        #expect(s.stderr.contains("function='run'"))
        #expect(s.stderr.contains("exception='RuntimeError: boom after 12'"))
        #expect(s.stderr.contains("Traceback"))
        #expect(lines(s.out) == (0..<12).map { "m\($0)" })
        usleep(100_000)
        #expect(d.wait(timeout: 0) == nil, "the daemon must keep running")
        #expect(d.stop() == 0)
        #expect(s.events == ["request_exit"])
    }

    @Test("PS-08 request_exit(), deinit(), finalize() raising are logged; shutdown completes")
    func raisingStop() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.RaisingStop\")"))
        _ = try Self.runUntil(s) { s.stderr.contains("syslog-ng starting up") }
        for f in ["request_exit", "deinit", "finalize"] {
            #expect(s.stderr.contains("caller='s#0', class='pstest.RaisingStop', function='\(f)', exception='RuntimeError: \(f) failed'"),
                    "stderr: \(s.stderr)")
        }
    }

    @Test("PS-10 run() returning at once: shutdown still works")
    func runPass() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.RunPass\")"))
        _ = try Self.runUntil(s) { s.events == ["run"] && s.stderr.contains("starting up") }
        #expect(s.events == ["run", "request_exit", "deinit"])
    }

    @Test("PS-11 SIGHUP: a new instance replaces the old one; python block globals reset")
    func reloadNewInstance() throws {
        let s = Scratch()
        s.write("""
            python {
            import pstest
            counter = 0
            class R(pstest.Idle):
                def __init__(self):
                    global counter
                    super().__init__()
                    counter += 1
                    self.n = counter
                    pstest.note("event", "__init__ %d" % self.n)
                def setup(self, options):
                    pstest.note("event", "init %d" % self.n)
                    return True
                def produce(self):
                    pstest.note("event", "run %d" % self.n)
                def request_exit(self):
                    pstest.note("event", "request_exit %d" % self.n)
                    super().request_exit()
                def deinit(self):
                    pstest.note("event", "deinit %d" % self.n)
                def finalize(self):
                    pstest.note("event", "finalize %d" % self.n)
            };
            """ + Self.sourceConfig(s, driver: "class(R)"))
        let d = try s.start()
        #expect(waitUntil { s.events.contains("run 1") })
        d.signal(SIGHUP)
        #expect(waitUntil { s.stderr.contains("Configuration reload finished") && s.events.count >= 9 }, "\(s.events)")
        // As syslog-ng: the old instance is finalised once the new one runs (spec PS-11).
        #expect(Array(s.events.prefix(9).filter { !$0.hasPrefix("run") }) == [
            "__init__ 1", "init 1", "request_exit 1", "deinit 1", "__init__ 1", "init 1", "finalize 1"])
        #expect(s.events.prefix(9).filter { $0 == "run 1" }.count == 2, "\(s.events)")
        #expect(d.stop() == 0)
        #expect(Array(s.events.suffix(3)) == ["request_exit 1", "deinit 1", "finalize 1"], "\(s.events)")
        #expect(s.events.filter { $0.hasPrefix("deinit") }.count == 2)
    }

    @Test("PS-13 reload into a failing config re-initialises the old source as a new instance")
    func reloadRevert() throws {
        let s = Scratch()
        let good = Self.sourceConfig(s, driver: "class(\"pstest.Lifecycle\")")
        s.write(good)
        let d = try s.start()
        #expect(waitUntil { s.events.filter { $0.hasPrefix("run ") }.count == 1 })
        s.write(good + """
            destination d1 { file("\(s.dir)/dup.log"); };
            destination d2 { file("\(s.dir)/dup.log"); };
            log { source(s); destination(d1); destination(d2); };
            """)
        d.signal(SIGHUP)
        #expect(waitUntil { s.stderr.contains("Configuration reverted") }, "stderr: \(s.stderr)")
        #expect(waitUntil { s.events.filter { $0.hasPrefix("run ") }.count >= 2 }, "\(s.events)")
        #expect(s.events.filter { $0.hasPrefix("__init__") }.count >= 2)
        #expect(d.stop() == 0)
    }

    // MARK: post_message (PM)

    /// The results of the `pstest.Checks` plugin (one daemon run shared by several tests).
    static let checks: [String: String] = {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Checks\")"))
        guard let d = try? s.start(env: ["TZ": "UTC"]) else { return [:] }
        _ = waitUntil { s.value("done") != nil }
        d.stop()
        var out: [String: String] = [:]
        for l in s.reportLines {
            guard let sp = l.firstIndex(of: " ") else { continue }
            let key = String(l[..<sp])
            if out[key] == nil { out[key] = String(l[l.index(after: sp)...]) }
        }
        out["__stderr__"] = s.stderr
        out["__output__"] = readText(s.out) ?? ""
        return out
    }()

    static func check(_ key: String) -> String { checks[key] ?? "<missing: \(key)>" }

    @Test("PM-01 PM-02 PM-03 PM-04 post_message argument and thread checks")
    func postMessageChecks() {
        #expect(Self.check("PM-01") == "!! RuntimeError: post_message must be called from main thread")
        #expect(Self.check("PM-02") == "!! RuntimeError: post_message must be called from main thread")
        #expect(Self.check("PM-03") == "!! TypeError: LogMessage expected in the first parameter")
        #expect(Self.check("PM-03b") == "!! TypeError: LogMessage expected in the first parameter")
        #expect(Self.check("PM-04") == "=> None")
        let out = Self.checks["__output__"] ?? ""
        #expect(out.contains("kw\n") && out.contains("posted\n"))
        #expect(!out.contains("other thread") && !out.contains("from init"))
    }

    @Test("PM-15 PM-16 close_batch thread check and auto_close_batches type check")
    func batchChecks() {
        #expect(Self.check("PM-15-thread") == "!! RuntimeError: close_batch() must be called from main thread")
        #expect(Self.check("PM-16").hasPrefix("!! TypeError: "))
        #expect(Self.check("PM-16-ok") == "=> True")
        #expect(Self.check("set_transport_name-bytes").hasPrefix("!! TypeError: "))
        #expect(Self.check("persist_name-readonly").hasPrefix("!! AttributeError: "))
    }

    @Test("PM-18 a posted message is read-only")
    func postedIsReadOnly() {
        #expect(Self.check("PM-18").hasPrefix("!! TypeError: Log message is read only, cannot set name-value pair x"))
        #expect(Self.check("PM-18-pri").hasPrefix("!! TypeError: Log message is read only"))
        #expect(Self.check("PM-18-ts").hasPrefix("!! TypeError: Log message is read only"))
        #expect(Self.check("PM-18-ip").hasPrefix("!! TypeError: Log message is read only"))
        #expect(Self.check("PM-18-read") == "=> b'posted'")
    }

    @Test("PM-09 post-time processing with keep-hostname(no)")
    func postTimeKeepHostnameNo() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Poster") options("HOST" "myhost" "PROGRAM" "prog" "PID" "42" "TRANSPORT" "tx")
            """, template: "HOST=$HOST HOST_FROM=$HOST_FROM PROGRAM=$PROGRAM PID=$PID TRANSPORT=$TRANSPORT SOURCE=$SOURCE PRI=$PRI MSG=$MSG TAGS=$TAGS SOURCEIP=$SOURCEIP"))
        _ = try Self.runUntil(s) { !lines(s.out).isEmpty }
        let host = Self.localHostname()
        #expect(lines(s.out) == ["HOST=\(host) HOST_FROM=\(host) PROGRAM=prog PID=42 TRANSPORT=tx SOURCE=s PRI=13 MSG=hello TAGS=.source.s SOURCEIP=127.0.0.1"])
    }

    @Test("PM-10 PM-12 keep-hostname(yes) keeps HOST; set_transport_name overrides TRANSPORT")
    func postTimeKeepHostnameYes() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Poster") keep-hostname(yes)
            options("HOST" "myhost" "PROGRAM" "prog" "PID" "42" "TRANSPORT" "tx" "transport" "http")
            """, template: "HOST=$HOST HOST_FROM=$HOST_FROM TRANSPORT=$TRANSPORT"))
        _ = try Self.runUntil(s) { !lines(s.out).isEmpty }
        #expect(lines(s.out) == ["HOST=myhost HOST_FROM=\(Self.localHostname()) TRANSPORT=http"])
    }

    @Test("PM-11 tags(), program-override(), host-override(); SOURCEIP 127.0.0.1")
    func postTimeOverrides() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Poster") tags("t1") program-override("ovr") host-override("hovr")
            options("count" => 3 "PROGRAM" "prog")
            """, template: "$TAGS $PROGRAM $HOST $SOURCEIP $MSG"))
        _ = try Self.runUntil(s) { lines(s.out).count == 3 }
        #expect(lines(s.out) == (0..<3).map { "t1,.source.s ovr hovr 127.0.0.1 msg\($0)" })
    }

    @Test("PM-13 default-facility/default-severity overwrite set_pri()")
    func defaultPriority() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Poster") default-facility(local0) default-severity(err) options("pri" => 165)
            """, template: "$PRI $FACILITY.$LEVEL"))
        _ = try Self.runUntil(s) { !lines(s.out).isEmpty }
        #expect(lines(s.out) == ["131 local0.err"])
    }

    @Test("PM-19 set_source_ipaddress feeds SOURCEIP, HOST_FROM and HOST")
    func sourceAddress() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: """
            class("pstest.Poster") use-dns(no) options("ip" "10.1.2.3" "HOST" "orig")
            """, template: "$SOURCEIP $HOST_FROM $HOST"))
        _ = try Self.runUntil(s) { !lines(s.out).isEmpty }
        #expect(lines(s.out) == ["10.1.2.3 10.1.2.3 10.1.2.3"])
    }

    @Test("PM-05 PM-07 flow control with log-iw-size(4): nothing lost, in order")
    func flowControl() throws {
        let s = Scratch()
        let n = 3000
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Poster\") log-iw-size(4) options(\"count\" => \(n))",
                                  logFlags: "flags(flow-control);"))
        _ = try Self.runUntil(s) { s.events.contains("produced") && lines(s.out).count == n }
        #expect(lines(s.out) == (0..<n).map { "msg\($0)" })
    }

    @Test("PM-07 a full window blocks post_message until the destination acknowledges")
    func blockingPost() throws {
        let s = Scratch()
        let fifo = Self.writeFifoConfig(s, driver: #"class("pstest.Poster") log-iw-size(4) options("count" => 10)"#)
        let d = try s.start()
        // The destination blocks opening the FIFO: nothing is acknowledged, post 4 blocks.
        #expect(waitUntil { s.values("posted").count >= 3 })
        usleep(300_000)
        #expect(s.values("posted") == ["0", "1", "2"], "post 4 must block on the full window")
        let got = Self.drainFifo(fifo, lines: 10)
        #expect(got == (0..<10).map { "msg\($0)" })
        #expect(waitUntil { s.events.contains("produced") })
        #expect(d.stop() == 0)
    }

    @Test("PM-08 PS-14 non-blocking source: suspend(), drops, wakeup()")
    func nonBlocking() throws {
        let s = Scratch()
        let fifo = Self.writeFifoConfig(s, driver: #"class("pstest.NonBlocking") log-iw-size(3)"#)
        let d = try s.start()
        #expect(waitUntil { s.values("posted").count == 8 }, "\(s.reportLines)")
        #expect(s.values("posted") == (0..<8).map { "\($0) None" })
        #expect(s.events.first == "suspend on-run-thread=True")
        #expect(waitUntil { s.stderr.components("Incorrectly suspended source, dropping message; driver='s#0'") == 5 }, "stderr: \(s.stderr)")
        #expect(Self.drainFifo(fifo, lines: 3) == ["nb0", "nb1", "nb2"])
        #expect(waitUntil { s.events.contains("wakeup on-run-thread=False") }, "\(s.events)")
        #expect(d.stop() == 0)
        let afterExit = s.events.drop { $0 != "request_exit" }
        #expect(Array(afterExit.prefix(2)) == ["request_exit", "wakeup on-run-thread=False"])
    }

    @Test("PM-06 window 5, destination never acknowledges, 5 posts: received 5, source suspended")
    func windowFills() throws {
        let s = Scratch()
        let fifo = Self.writeFifoConfig(s, driver: #"class("pstest.WindowFill") options("count" => 5) log-iw-size(5)"#)
        let d = try s.start()
        #expect(waitUntil { s.value("posted") == "5" && s.events.contains("suspend") }, "\(s.reportLines)")
        let stats = ControlSocketEndToEndTests.command(s.dir + "/ctl", "STATS") ?? ""
        #expect(stats.contains("source;s;;a;processed;5\n"), "\(stats)")
        #expect(!s.events.contains("wakeup"))
        #expect(Self.drainFifo(fifo, lines: 5) == (0..<5).map { "w\($0)" })
        #expect(waitUntil { s.events.contains("wakeup") }, "\(s.events)")
        #expect(d.stop() == 0)
    }

    @Test("PM-12 set_transport_name() in __init__ applies once the driver attaches")
    func transportInInit() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.TransportInInit\")", template: "$TRANSPORT $MSG"))
        _ = try Self.runUntil(s) { lines(s.out).count == 1 }
        #expect(lines(s.out) == ["early t"])
    }

    @Test("LM-10 bytes that are not UTF-8 are kept verbatim: read back and written as posted")
    func latin1Bytes() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.PostLatin1\")", template: "$MSG|${EXTRA}"))
        _ = try Self.runUntil(s) { (readBytes(s.out) ?? []).count > 0 && s.events.contains("posted") }
        #expect(s.value("roundtrip") == #"(b'caf\xe9 latin-1', b'\xff\xfe', 'ÿþ')"#)
        #expect(readBytes(s.out) == Array("caf".utf8) + [0xE9] + Array(" latin-1|".utf8) + [0xFF, 0xFE, 0x0A])
    }

    @Test("hot path: one message posted, then the source sleeps: written within 300 ms")
    func lonelyMessageIsWrittenPromptly() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.PostOneThenSleep\")"))
        let d = try s.start()
        var writtenAt = 0.0
        let seen = waitUntil(timeout: 10) {
            guard lines(s.out) == ["lonely"] else { return false }
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            writtenAt = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
            return true
        }
        #expect(seen, "stderr: \(s.stderr)")
        #expect(waitUntil { s.value("posted_at") != nil })
        let postedAt = Double(s.value("posted_at") ?? "") ?? 0
        // The test polls every 20 ms; the destination's idle timeout is a whole second.
        #expect(writtenAt - postedAt < 0.3, "written \(writtenAt - postedAt) s after the post")
        #expect(d.stop() == 0)
    }

    @Test("PM-17 run() returning with an open batch: the batch is delivered")
    func openBatchOnReturn() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Poster\") options(\"count\" => 3 \"batch\" => no \"return\" => yes)"))
        _ = try Self.runUntil(s) { lines(s.out).count == 3 }
        #expect(lines(s.out) == ["msg0", "msg1", "msg2"])
    }

    @Test("PM-15 auto_close_batches False and close_batch(): messages delivered")
    func closeBatch() throws {
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Poster\") options(\"count\" => 5 \"batch\" => no)"))
        _ = try Self.runUntil(s) { lines(s.out).count == 5 }
        #expect(lines(s.out) == (0..<5).map { "msg\($0)" })
    }

    // MARK: LogMessage (LM)

    @Test("LM-01 LM-06 typed values round trip (TZ=UTC)")
    func typing() {
        let expected: [(String, String, String, String)] = [
            ("s", "b'almafa'", "bytes", "'almafa'"), ("b", "b'kortefa'", "bytes", "'kortefa'"),
            ("i", "42", "int", "'42'"), ("f", "6.9", "float", "'6.900000'"), ("t", "True", "bool", "'true'"),
            ("n", "None", "NoneType", "''"), ("l", "[b'a,', b' b', b'c']", "list", #"'"a,"," b",c'"#),
            ("d", "datetime.datetime(2022, 10, 4, 14, 48, 12, 123000)", "datetime", "'1664894892.123'"),
        ]
        for (k, value, type, text) in expected {
            #expect(Self.check("LM-01-get-" + k) == "=> " + value)
            #expect(Self.check("LM-01-get-\(k)-type") == "=> '\(type)'")
            #expect(Self.check("LM-06-" + k) == "=> " + text)
        }
    }

    @Test("LM-02 LM-05 LM-07 KeyError text, get() and get_as_str() defaults")
    func missingKeys() {
        #expect(Self.check("LM-02") == "!! KeyError: 'No such name-value pair nonexistent'")
        #expect(Self.check("LM-05") == "=> -1")
        #expect(Self.check("LM-05-none") == "=> None")
        #expect(Self.check("LM-05-set") == "=> b'almafa'")
        #expect(Self.check("LM-07") == "=> 'default'")
        #expect(Self.check("LM-07-none") == "=> None")
        #expect(Self.check("LM-07-baddefault") == "!! TypeError: default is not a string object")
    }

    @Test("LM-09 LM-10 LM-19 message text: UTF-8, bytes with NULs, defaults")
    func messageText() {
        #expect(Self.check("LM-19") == "=> (b'hello', 13)")
        #expect(Self.check("LM-09") == "=> (True, True)")
        #expect(Self.check("LM-10") == "=> True")
        #expect(Self.check("LM-10-none") == "=> None")
    }

    @Test("LM-11 set_pri/get_pri; macros read as bytes, typed macros typed")
    func priAndMacros() {
        #expect(Self.check("LM-11") == "=> 165")
        #expect(Self.check("macro-PRI") == "=> b'165'")
        #expect(Self.check("macro-FACILITY") == "=> b'local4'")
        #expect(Self.check("macro-LEVEL") == "=> b'notice'")
        #expect(Self.check("macro-empty") == "=> b''")
        // §7.2: macros that carry a type come back typed.
        #expect(Self.check("macro-typed") == "=> (5, 20, b'', datetime.datetime(2022, 10, 4, 13, 29, 54))")
    }

    @Test("LM-12 LM-27 set_timestamp/get_timestamp: aware keeps offset, negative offsets, naive is local")
    func timestamps() throws {
        #expect(Self.check("LM-12") == "=> datetime.datetime(2022, 10, 4, 13, 29, 54, 123000)")
        #expect(Self.check("LM-12-bump") == "=> datetime.datetime(2022, 10, 4, 13, 29, 55, 123000)")
        #expect(Self.check("LM-27") == "=> (b'2020-01-02T03:04:05+02:00', datetime.datetime(2020, 1, 2, 3, 4, 5, 678901))")
        #expect(Self.check("LM-27-neg") == "=> (b'2020-01-02T03:04:05-05:00', datetime.datetime(2020, 1, 2, 3, 4, 5, 678901))")
        #expect(Self.check("naive") == "=> (b'2020-01-02T03:04:05+00:00', datetime.datetime(2020, 1, 2, 3, 4, 5))")
        // Naive datetimes are the daemon's local time: run once more in a +05:30 zone.
        let s = Scratch()
        s.write(Self.sourceConfig(s, driver: "class(\"pstest.Checks\")"))
        _ = try Self.runUntil(s, env: ["TZ": "IST-5:30"]) { s.value("done") != nil }
        #expect(s.value("naive") == "=> (b'2020-01-02T03:04:05+05:30', datetime.datetime(2020, 1, 2, 3, 4, 5))")
        #expect(s.value("LM-01-get-d") == "=> datetime.datetime(2022, 10, 4, 14, 48, 12, 123000)")
        #expect(s.value("LM-06-d") == "=> '1664875092.123'")
    }

    @Test("LM-13 LM-15 LogMessage.parse with the source's parse options")
    func parse() {
        #expect(Self.check("LM-13") == #"=> (b"'su root' failed for lonvick on /dev/pts/8", b'mymachine', b'su', 34)"#)
        #expect(Self.check("LM-15") == "=> (b'without header', 13)")
    }

    @Test("LM-14 LogMessage.parse of RFC5424 input")
    func parseRFC5424() {
        #expect(Self.check("LM-14") == #"=> (b'An application event', b'ID47', b'[exampleSDID@32473 iut="3"]', 165)"#)
    }

    @Test("LM-16 LM-29 LM-30 keys(), macro shadowing, aliases")
    func keysAndAliases() {
        #expect(Self.check("LM-16") == "=> True")
        #expect(Self.check("LM-29") == "=> (True, 'bytes')")
        #expect(Self.check("LM-30") == "=> (b'a', b'a')")
    }

    @Test("LM-17 LM-18 LM-21 LM-22 LM-23 LM-24 LM-25 LM-26 LM-28 mapping and argument errors")
    func mappingErrors() {
        #expect(Self.check("LM-17-in").hasPrefix("!! TypeError: argument of type"))
        #expect(Self.check("LM-17-len").hasPrefix("!! TypeError: object of type"))
        #expect(Self.check("LM-18").hasPrefix("!! TypeError: "))
        #expect(Self.check("LM-21-set") == "!! TypeError: key is not a string object")
        #expect(Self.check("LM-21-get") == "!! TypeError: key is not a string object")
        for k in ["LM-22-dict", "LM-22-tuple", "LM-22-intenum"] {
            #expect(Self.check(k) == "!! ValueError: Error extracting value from Python object")
        }
        #expect((Self.checks["__stderr__"] ?? "").contains("Unexpected python object type"))
        #expect(Self.check("LM-23").hasPrefix("!! ValueError: "))
        #expect(Self.check("LM-24").hasPrefix("!! OverflowError: "))
        #expect(Self.check("LM-25") == "!! TypeError: Parse options (PyCapsule) expected in the second parameter")
        #expect(Self.check("LM-26") == "!! ValueError: Error extracting timestamp from value, expected a datetime instance")
        #expect(Self.check("LM-28-bad") == "=> False")
        #expect(Self.check("LM-28-v6") == "=> True")
        #expect(Self.check("LM-28-none") == "=> False")
    }

    @Test("LogMessage() called every way; the type is immutable; many values")
    func constructors() {
        #expect(Self.check("ctor-subclass") == "=> ('Sub', b's', True)")
        #expect(Self.check("ctor-keyword") == "=> b'kw'")
        #expect(Self.check("ctor-bookmark") == "=> b'bm'")
        #expect(Self.check("ctor-empty") == "=> None")
        #expect(Self.check("ctor-many") == "!! TypeError: LogMessage() takes at most 2 arguments (3 given)")
        #expect(Self.check("ctor-badkw") == "!! TypeError: LogMessage() got an unexpected keyword argument")
        #expect(Self.check("ctor-int") == "!! TypeError: LogMessage() argument must be str, bytes or None")
        #expect(Self.check("ctor-str-subclass") == "=> b'sub'")
        #expect(Self.check("type-immutable").hasPrefix("!! TypeError: cannot set 'extra' attribute"))
        #expect(Self.check("many-values") == "=> (b'base', b'v0', b'changed', b'v9', "
            + "[b'k0', b'k1', b'k2', b'k3', b'k4', b'k5', b'k6', b'k7', b'k8', b'k9'])")
    }

    @Test("LM-20 floats are stored with 6 decimals")
    func floatPrecision() {
        #expect(Self.check("LM-20") == "=> 1.234568")
        #expect(Self.check("LM-20-str") == "=> '1.234568'")
    }

    // MARK: Logger (LG)

    static func loggerConfig(_ s: Scratch) -> String {
        """
        source s_int { internal(); };
        destination d_int { file("\(s.dir)/internal.log" template("$PRI $LEVEL $FACILITY $PROGRAM[$PID] MSG=[$MSG]\\n")); };
        log { source(s_int); destination(d_int); };
        """ + "\n" + Self.sourceConfig(s, driver: "class(\"pstest.LoggerUser\")")
    }

    @Test("LG-01 LG-02 LG-05 Logger and logging into internal() with PRI 43/44/46; no debug without -d")
    func loggerLevels() throws {
        let s = Scratch()
        s.write(Self.loggerConfig(s))
        let internalLog = s.dir + "/internal.log"
        let d = try DaemonProcess(["-F", "-f", s.conf, "-R", s.dir + "/persist", "-p", s.dir + "/pid", "-c", s.dir + "/ctl"],
                                  dir: s.dir, environment: s.environment())
        #expect(waitUntil { lines(internalLog).contains { $0.contains("python-mylog") } }, "stderr: \(s.stderr)")
        #expect(d.stop() == 0)
        let l = lines(internalLog)
        let pid = d.pid
        #expect(l.contains("43 err syslog syslog-ng[\(pid)] MSG=[err msg;]"))
        #expect(l.contains("44 warning syslog syslog-ng[\(pid)] MSG=[warn msg;]"))
        #expect(l.contains("46 info syslog syslog-ng[\(pid)] MSG=[info msg;]"))
        #expect(l.contains("46 info syslog syslog-ng[\(pid)] MSG=[semi\\;colon;]"))
        #expect(l.contains("44 warning syslog syslog-ng[\(pid)] MSG=[python-mylog: via logging 5;]"))
        #expect(!l.contains { $0.contains("debug msg") || $0.contains("trace msg") || $0.contains("debug via logging") })
    }

    @Test("LG-02 Logger.debug and logging debug records appear with -d (PRI 47)")
    func loggerDebug() throws {
        let s = Scratch()
        s.write(Self.loggerConfig(s))
        let internalLog = s.dir + "/internal.log"
        let d = try DaemonProcess(["-F", "-d", "-f", s.conf, "-R", s.dir + "/persist", "-p", s.dir + "/pid", "-c", s.dir + "/ctl"],
                                  dir: s.dir, environment: s.environment())
        #expect(waitUntil { lines(internalLog).contains { $0.contains("debug via logging") } }, "stderr: \(s.stderr)")
        #expect(d.stop() == 0)
        let l = lines(internalLog)
        #expect(l.contains("47 debug syslog syslog-ng[\(d.pid)] MSG=[debug msg;]"))
        #expect(l.contains("47 debug syslog syslog-ng[\(d.pid)] MSG=[python-mylog: debug via logging;]"))
        #expect(!l.contains { $0.contains("trace msg") })
    }

    @Test("LG-03 Logger methods need a str")
    func loggerTypeError() {
        #expect(Self.check("LG-03").hasPrefix("!! TypeError: "))
    }

    @Test("LG-04 Logger in the python block at start-up goes to stderr")
    func loggerAtParseTime() throws {
        let s = Scratch()
        s.write("python {\nimport syslogng\nsyslogng.Logger().error(\"early error\")\nsyslogng.Logger().warning(\"early warning\")\n};\n"
                + Self.sourceConfig(s, driver: "class(\"pstest.Idle\")"))
        _ = try Self.runUntil(s) { s.stderr.contains("starting up") }
        #expect(s.stderr.contains("early error;"))
        #expect(s.stderr.contains("early warning;"))
    }

    // MARK: support

    static func localHostname() -> String {
        var buf = [UInt8](repeating: 0, count: 256)
        _ = buf.withUnsafeMutableBufferPointer { $0.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, 255) } }
        let full = String(decoding: buf.prefix { $0 != 0 }, as: UTF8.self)
        return String(full.split(separator: ".").first ?? Substring(full))
    }

    /// Opens `fifo` for reading and reads until `count` lines arrived (or 20 s passed).
    static func drainFifo(_ fifo: String, lines count: Int) -> [String] {
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = now() + 20
        while now() < deadline && data.filter({ $0 == 10 }).count < count {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buf[0..<n]) } else { usleep(10_000) }
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

extension String {
    func replacingFirst(_ target: String, _ replacement: String) -> String {
        replacing(target, with: replacement, maxReplacements: 1)
    }

    /// How often `needle` occurs.
    func components(_ needle: String) -> Int {
        ranges(of: needle).count
    }
}
