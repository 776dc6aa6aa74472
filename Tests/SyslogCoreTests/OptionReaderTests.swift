import Testing
import SyslogConfig
import SyslogCore

/// The first driver of the first destination in `text`, and an error factory for its file.
private func driverNode(_ text: String) throws -> (OptionNode, ConfigErrorFactory) {
    let config = try ConfigLoader(environment: { _ in nil }).parse(text: text, fileName: "opts.conf")
    guard case .destination(_, let drivers, _)? = config.statements.first, let node = drivers.first else {
        throw HarnessError.unexpectedConfig
    }
    return (node, ConfigErrorFactory(sources: config.sources))
}

private func reader(_ driver: String) throws -> OptionReader {
    let (node, errors) = try driverNode("destination d { \(driver); };")
    return OptionReader(node, kind: "destination", errors: errors)
}

/// The error thrown by `body`, or nil.
private func configError(_ body: () throws(ConfigError) -> Void) -> ConfigError? {
    do { try body() } catch { return error }
    return nil
}

@Suite("OptionReader")
struct OptionReaderTests {
    @Test("typed options are read and taken")
    func typedValues() throws {
        let r = try reader(#"file("/var/log/x" create-dirs(yes) perm(420) time-reopen(1.5) template("$MSG\n") tags("a", "b c") flags(x y))"#)
        #expect(r.driverDescription == "destination driver file()")
        #expect(try r.requiredPositional("a file name").0 == "/var/log/x")
        #expect(try r.bool("create-dirs") == true)
        #expect(try r.int("perm") == 420)
        #expect(try r.double("time-reopen") == 1.5)
        #expect(try r.string("template") == "$MSG\n")
        #expect(try r.strings("tags") == ["a", "b c"])
        #expect(try r.strings("flags") == ["x", "y"])
        #expect(try r.string("absent") == nil)
        #expect(configError { () throws(ConfigError) in try r.finish() } == nil)
    }

    @Test("numbers with a leading zero are octal, as syslog-ng lexes them (perm(0640))")
    func octal() throws {
        let r = try reader(#"file("x" perm(0640) dir-perm(0755) log-fifo-size(0x10))"#)
        #expect(try r.int("log-fifo-size") == 16)
        let perm = try r.int("perm")
        let dirPerm = try r.int("dir-perm")
        #expect(perm == 0o640)
        #expect(dirPerm == 0o755)
    }

    @Test("booleans accept yes/no/on/off/true/false and numbers", arguments: [
        ("yes", true), ("no", false), ("on", true), ("off", false), ("true", true),
        ("false", false), ("YES", true), ("1", true), ("0", false), ("\"yes\"", true),
    ])
    func bools(text: String, expected: Bool) throws {
        let r = try reader("file(\"x\" create-dirs(\(text)))")
        #expect(try r.bool("create-dirs") == expected)
    }

    @Test("a bad boolean names the option and the value")
    func badBool() throws {
        let r = try reader(#"file("x" create-dirs(maybe))"#)
        let e = configError { () throws(ConfigError) in _ = try r.bool("create-dirs") }
        #expect(e?.message == "Option create-dirs() expects yes or no, got 'maybe'")
        #expect(e?.range?.start.line == 1)
    }

    @Test("a non-number for an int option is an error")
    func badInt() throws {
        let r = try reader(#"file("x" perm(rw))"#)
        let e = configError { () throws(ConfigError) in _ = try r.int("perm") }
        #expect(e?.message == "Option perm() expects a number, got 'rw'")
    }

    @Test("an option with two values is an error")
    func twoValues() throws {
        let r = try reader(#"file("x" perm(1 2))"#)
        let e = configError { () throws(ConfigError) in _ = try r.int("perm") }
        #expect(e?.message == "Option perm() expects exactly one value")
    }

    @Test("underscores fold to dashes; the last occurrence wins")
    func foldingAndLastWins() throws {
        let r = try reader(#"file("x" create_dirs(no) create-dirs(yes))"#)
        #expect(try r.bool("create-dirs") == true)
        #expect(configError { () throws(ConfigError) in try r.finish() } == nil)
    }

    @Test("an unknown option names the driver and the options it knows")
    func unknownOption() throws {
        let r = try reader(#"file("x" perm(1) bogus(2))"#)
        _ = try r.int("perm")
        _ = r.take("create-dirs")
        let e = configError { () throws(ConfigError) in try r.finish() }
        #expect(e?.message == "Unknown option 'bogus' for destination driver file(); known options: create-dirs, perm")
        #expect(e?.message.hasPrefix("Unknown option 'bogus' for destination driver file()") == true)
        #expect(e?.range?.start == SourceLocation(file: "opts.conf", line: 1, column: 34))
        #expect(e?.description.hasPrefix("Error parsing config, Unknown option 'bogus' for destination driver file(); known options: create-dirs, perm in opts.conf:1:34-1:39") == true)
    }

    @Test("the unknown option is reported as written")
    func unknownOptionRawName() throws {
        let r = try reader(#"file("x" my_option(2))"#)
        let e = configError { () throws(ConfigError) in try r.finish() }
        #expect(e?.message.hasPrefix("Unknown option 'my_option' for destination driver file()") == true)
    }

    @Test("extra positional arguments are errors")
    func extraPositional() throws {
        let r = try reader(#"file("x" "y")"#)
        #expect(configError { () throws(ConfigError) in try r.finish(allowPositional: 2) } == nil)
        let e = configError { () throws(ConfigError) in try r.finish() }
        #expect(e?.message == "Unexpected argument for destination driver file()")
        #expect(e?.range?.start.column == 26)
    }

    @Test("a missing required positional argument is an error")
    func missingPositional() throws {
        let r = try reader("file()")
        let e = configError { () throws(ConfigError) in _ = try r.requiredPositional("a file name") }
        #expect(e?.message == "destination driver file() requires a file name")
    }

    @Test("takeAll returns every occurrence")
    func takeAll() throws {
        let r = try reader(#"file("x" values(1) values(2))"#)
        #expect(r.takeAll("values").count == 2)
        #expect(configError { () throws(ConfigError) in try r.finish() } == nil)
    }
}

@Suite("TimeZoneParser")
struct TimeZoneParserTests {
    @Test("offsets and UTC names", arguments: [
        ("+01:00", Int32(3600)), ("-0530", -19_800), ("+0000", 0), ("-00:00", 0), ("+14:00", 50_400),
        ("UTC", 0), ("utc", 0), ("GMT", 0), ("Z", 0), ("Etc/UTC", 0), (" +02:00 ", 7200), ("\t-01:30", -5400),
    ])
    func valid(text: String, offset: Int32) {
        #expect(TimeZoneParser.offset(text) == offset)
    }

    @Test("anything else is rejected", arguments: [
        "", "+1", "+01", "01:00", "+1:00", "+01:0a", "Europe/Paris", "CET", "+01:00:00", "++0100",
    ])
    func invalid(text: String) {
        #expect(TimeZoneParser.offset(text) == nil)
    }
}
