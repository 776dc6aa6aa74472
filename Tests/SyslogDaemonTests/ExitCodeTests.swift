import Testing

/// The real binary: --version, --syntax-only and exit codes 1 and 2.
@Suite struct ExitCodeTests {
    let fixtures = DaemonProcess.fixtures

    @Test func versionPrintsAndExitsZero() throws {
        let dir = makeTempDir()
        #expect(try DaemonProcess.run(["-V"], dir: dir) == 0)
        let out = readText(dir + "/stdout.log") ?? ""
        #expect(out.hasPrefix("syslog-swift "))
        #expect(out.contains("Python version: 3.11"))
    }

    @Test func syntaxOnlyAcceptsAGoodConfig() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(["-s", "-f", fixtures + "/routing.conf"], dir: dir,
                                         environment: ["TEST_OUT": dir])
        #expect(code == 0)
        // Nothing ran: no output files.
        #expect(readText(dir + "/all.log") == nil)
    }

    @Test func syntaxErrorExitsOneWithLocation() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(["-s", "-f", fixtures + "/bad-syntax.conf"], dir: dir)
        #expect(code == 1)
        let err = readText(dir + "/stderr.log") ?? ""
        #expect(err.contains("bad-syntax.conf:3:"))
        #expect(err.contains("3----->"))
        #expect(err.contains("expecting ';'"))
    }

    @Test func unknownOptionNamesTheDriver() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(["-F", "-f", fixtures + "/unknown-option.conf"], dir: dir)
        #expect(code == 1)
        let err = readText(dir + "/stderr.log") ?? ""
        #expect(err.contains("Unknown option 'no-such-option' for destination driver file()"))
        #expect(err.contains("unknown-option.conf:3:35"))
    }

    @Test func missingIncludeExitsOne() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(["-s", "-f", fixtures + "/missing-include.conf"], dir: dir)
        #expect(code == 1)
        #expect((readText(dir + "/stderr.log") ?? "").contains("does-not-exist.conf"))
    }

    @Test func unreadableConfigExitsOne() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(["-F", "-f", dir + "/nope.conf"], dir: dir)
        #expect(code == 1)
        #expect((readText(dir + "/stderr.log") ?? "").contains("Error opening configuration file"))
    }

    @Test func initFailureExitsTwo() throws {
        let dir = makeTempDir()
        let code = try DaemonProcess.run(DaemonProcess.standardArgs(config: fixtures + "/duplicate-persist.conf", dir: dir),
                                         dir: dir)
        #expect(code == 2)
        let err = readText(dir + "/stderr.log") ?? ""
        #expect(err.contains("Error checking the uniqueness of the persist names"))
        #expect(err.contains("Error initializing message pipeline"))
    }
}
