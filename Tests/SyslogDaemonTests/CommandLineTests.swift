import Testing
@testable import SyslogDaemon

@Suite struct CommandLineTests {
    @Test func syslogNgFlags() throws {
        let o = try CommandLineOptions.parse(["-F", "-e", "-f", "a.conf", "-R", "p", "-p", "pid", "-c", "ctl",
                                              "--no-caps", "-v", "-d", "-t", "-s"])
        #expect(o.foreground && o.stderr && o.verbose && o.debug && o.trace && o.syntaxOnly)
        #expect(o.configFile == "a.conf")
        #expect(o.persistFile == "p")
        #expect(o.pidFile == "pid")
        #expect(o.controlFile == "ctl")
    }

    @Test func longFormsAndBundles() throws {
        let o = try CommandLineOptions.parse(["-Fe", "--cfgfile=x.conf", "--persist-file", "q", "-fy.conf"])
        #expect(o.foreground && o.stderr)
        #expect(o.configFile == "y.conf")
        #expect(o.persistFile == "q")
    }

    @Test func unknownFlagIsAnError() {
        #expect(throws: CommandLineOptions.UsageError.self) {
            try CommandLineOptions.parse(["--bogus"])
        }
        #expect(throws: CommandLineOptions.UsageError.self) {
            try CommandLineOptions.parse(["-f"])
        }
    }
}
