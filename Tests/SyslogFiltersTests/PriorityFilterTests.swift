import Testing
import SyslogConfig
import SyslogMessage
@testable import SyslogFilters

@Suite struct PriorityFilterTests {
    /// Severities 0...7 that pass `f` (facility user).
    func passingSeverities(_ f: CompiledFilter) -> [Int] {
        (0...7).filter { f.matches(makeMessage(pri: pri(1, $0))) }
    }

    func passingFacilities(_ f: CompiledFilter) -> [Int] {
        (0...23).filter { f.matches(makeMessage(pri: pri($0, 6))) }
    }

    @Test func levelSingleName() throws {
        #expect(passingSeverities(try compile(AST.call("level", AST.id("err")))) == [3])
        #expect(passingSeverities(try compile(AST.call("level", AST.id("warn")))) == [4])
        #expect(passingSeverities(try compile(AST.call("level", AST.str("panic")))) == [0])
    }

    @Test func levelRangeEitherOrder() throws {
        #expect(passingSeverities(try compile(AST.call("level", AST.span("info", "err")))) == [3, 4, 5, 6])
        #expect(passingSeverities(try compile(AST.call("level", AST.span("err", "info")))) == [3, 4, 5, 6])
        #expect(passingSeverities(try compile(AST.call("level", AST.span("emerg", "debug")))) == Array(0...7))
    }

    @Test func levelListsAndNumbers() throws {
        #expect(passingSeverities(try compile(AST.call("level", AST.id("emerg"), AST.id("debug")))) == [0, 7])
        #expect(passingSeverities(try compile(AST.call("priority", AST.num(2), AST.id("notice")))) == [2, 5])
        #expect(passingSeverities(try compile(AST.call("severity", AST.id("crit,alert")))) == [1, 2])
        #expect(passingSeverities(try compile(AST.call("level", AST.id("debug..notice")))) == [5, 6, 7])
        let list = ConfigArgument.list([AST.id("err"), AST.span("alert", "emerg")], AST.here)
        #expect(passingSeverities(try compile(AST.call("level", list))) == [0, 1, 3])
    }

    @Test func levelErrors() {
        let bad = AST.at(3, 12, to: 16)
        let e = compileError(AST.call("level", AST.id("info"), AST.id("bogus", bad)))
        #expect(e?.message == "Unknown severity 'bogus'")
        #expect(e?.range == bad)
        #expect(compileError(AST.call("level", AST.num(8)))?.message == "Unknown severity '8'")
        #expect(compileError(AST.call("level", AST.span("info", "nope")))?.message == "Unknown severity 'nope'")
        #expect(compileError(AST.call("level"))?.message == "level() requires at least one severity")
    }

    @Test func facilityNamesAndAliases() throws {
        #expect(passingFacilities(try compile(AST.call("facility", AST.id("mail")))) == [2])
        #expect(passingFacilities(try compile(AST.call("facility", AST.id("security")))) == [4])
        #expect(passingFacilities(try compile(AST.call("facility", AST.id("auth")))) == [4])
        #expect(passingFacilities(try compile(AST.call("facility", AST.id("authpriv"), AST.id("cron")))) == [9, 10])
        #expect(passingFacilities(try compile(AST.call("facility", AST.num(3)))) == [3])
    }

    @Test func facilityRanges() throws {
        #expect(passingFacilities(try compile(AST.call("facility", AST.span("local0", "local7")))) == Array(16...23))
        #expect(passingFacilities(try compile(AST.call("facility", AST.span("local2", "local0")))) == [16, 17, 18])
    }

    @Test func facilityErrors() {
        let e = compileError(AST.call("facility", AST.id("bogus", AST.at(2, 5))))
        #expect(e?.message == "Unknown facility 'bogus'")
        #expect(e?.range == AST.at(2, 5))
        #expect(compileError(AST.call("facility", AST.num(24)))?.message == "Unknown facility '24'")
    }

    @Test func facilityBeyondBitsetNeverMatches() throws {
        let f = try compile(AST.not(AST.call("facility", AST.span("kern", "local7"))))
        #expect(f.matches(makeMessage(pri: pri(40, 3))))
        #expect(!f.matches(makeMessage(pri: pri(23, 3))))
    }
}
