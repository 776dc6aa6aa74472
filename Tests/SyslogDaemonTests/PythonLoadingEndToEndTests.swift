import Testing
#if canImport(Glibc)
import Glibc
#endif

/// libpython is opened when a configuration first uses Python, not at start-up.
@Suite(.timeLimit(.minutes(1))) struct PythonLoadingEndToEndTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    static func mapsLibpython(_ pid: pid_t) -> Bool {
        (readText("/proc/\(pid)/maps") ?? "").contains("libpython3")
    }

    @Test("A configuration without Python does not map libpython; reloading into one with a Python source loads it and runs the plugin")
    func loadedOnFirstUse() throws {
        let s = Scratch()
        s.write("""
            source s { example-msg-generator(num(1) template("plain")); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            log { source(s); destination(d); };
            """)
        let d = try s.start()
        #expect(waitUntil { lines(s.out) == ["plain"] }, "\(s.stderr)")
        #expect(!Self.mapsLibpython(d.pid), "libpython mapped without a Python plugin")
        s.write("""
            source s { python(class("pstest.PostOneThenSleep")); };
            destination d { file("\(s.out)" template("$MSG\\n")); };
            log { source(s); destination(d); };
            """)
        d.signal(SIGHUP)
        #expect(waitUntil { lines(s.out).count >= 2 }, "\(lines(s.out))\n\(s.stderr)")
        #expect(Self.mapsLibpython(d.pid))
        #expect(d.stop() == 0)
    }
}
