import Testing
@testable import SyslogConfig

@Suite struct LexerTests {
    @Test func doubleQuotedEscapes() throws {
        let kinds = try tokenKinds(#""a\nb\tc\rd\ae\\f\"g\'h\x41\x7a\qz" "x\xZ""#)
        #expect(kinds == [.string("a\nb\tc\rd\u{07}e\\f\"g'hAzqz"), .string("xxZ")])
    }

    @Test func singleQuotedStringsAreRaw() throws {
        let kinds = try tokenKinds(#"'C:\new\t' 'it"s'"#)
        #expect(kinds == [.string(#"C:\new\t"#), .string("it\"s")])
    }

    @Test func stringsMaySpanLines() throws {
        let lexed = try tokens("\"a\nb\" x")
        #expect(lexed.map(\.kind) == [.string("a\nb"), .identifier("x")])
        #expect(lexed[0].range == SourceRange(start: SourceLocation(file: "t.conf", line: 1, column: 1),
                                              endLine: 2, endColumn: 2))
        #expect(lexed[1].range.start.line == 2 && lexed[1].range.start.column == 4)
    }

    @Test func integers() throws {
        let kinds = try tokenKinds("0 42 -7 0x1F 0XfF -0x10 9223372036854775807 -9223372036854775808")
        #expect(kinds == [.number(0), .number(42), .number(-7), .number(31), .number(255), .number(-16),
                          .number(Int64.max), .number(Int64.min)])
    }

    @Test func sizeSuffixes() throws {
        let kinds = try tokenKinds("10K 10k 2M 3G 1Ki 1KiB 2Mi 2MiB 1Gi 1GiB 7KB 5Kb 8B 8b")
        let values: [Int64] = [
            10_000, 10_000, 2_000_000, 3_000_000_000, 1024, 1024, 2 * 1_048_576, 2 * 1_048_576,
            1_073_741_824, 1_073_741_824, 7000, 5000, 8, 8,
        ]
        #expect(kinds == values.map { Token.Kind.number($0) })
    }

    @Test func numberTextKeepsWhatWasWritten() throws {
        let lexed = try tokens("4.0 10KiB")
        #expect(lexed.map(\.text) == ["4.0", "10KiB"])
    }

    @Test func floats() throws {
        let kinds = try tokenKinds("1.5 -0.25 3.0")
        #expect(kinds == [.float(1.5), .float(-0.25), .float(3.0)])
    }

    @Test func rangesAndArrows() throws {
        let kinds = try tokenKinds(#"info..err 1..5 "k" => v"#)
        #expect(kinds == [
            .identifier("info"), .punct(.dotDot), .identifier("err"),
            .number(1), .punct(.dotDot), .number(5),
            .string("k"), .punct(.arrow), .identifier("v"),
        ])
    }

    @Test func identifiers() throws {
        let kinds = try tokenKinds("mod.Class local0 flow-control _x s_net a.b.c x1-")
        #expect(kinds == [
            .identifier("mod.Class"), .identifier("local0"), .identifier("flow-control"), .identifier("_x"),
            .identifier("s_net"), .identifier("a.b.c"), .identifier("x1-"),
        ])
    }

    @Test func punctuationAndComments() throws {
        let kinds = try tokenKinds("( ) { } ; , [ ] : # comment ) (\n=>")
        #expect(kinds == [
            .punct(.leftParen), .punct(.rightParen), .punct(.leftBrace), .punct(.rightBrace),
            .punct(.semicolon), .punct(.comma), .punct(.leftBracket), .punct(.rightBracket),
            .punct(.colon), .punct(.arrow),
        ])
    }

    @Test func minusBeforeDigitIsANumber() throws {
        let kinds = try tokenKinds("a(-1) 5-6")
        #expect(kinds == [.identifier("a"), .punct(.leftParen), .number(-1), .punct(.rightParen),
                          .number(5), .number(-6)])
    }

    @Test func tokenRangesUseByteColumns() throws {
        let lexed = try tokens("\"é\" source")
        #expect(lexed.map(\.kind) == [.string("é"), .identifier("source")])
        #expect(lexed[0].range.start.column == 1 && lexed[0].range.endColumn == 4)
        #expect(lexed[1].range.start.column == 6 && lexed[1].range.endColumn == 11)
    }

    @Test func badInputIsAnError() {
        #expect(throws: ConfigError.self) { try tokens("10s") }
        #expect(throws: ConfigError.self) { try tokens("a = b") }
        #expect(throws: ConfigError.self) { try tokens("99999999999999999999") }
        #expect(throws: ConfigError.self) { try tokens("\"open") }
    }
}
