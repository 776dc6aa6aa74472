import Testing
@testable import SyslogConfig

/// Golden tests: the complete rendered text of configuration errors.
@Suite struct ErrorMessageTests {
    @Test func unexpectedTokenInADriverBlock() {
        let error = parseError("@version: 4.0\n# comment\nsource s { foo bar; };\nlog { source(s); };\n",
                               fileName: "/tmp/x.conf")
        #expect(error?.description == """
            Error parsing config, syntax error, unexpected identifier 'bar', expecting '(' in /tmp/x.conf:3:16-3:19:
            1       @version: 4.0
            2       # comment
            3-----> source s { foo bar; };
            3----->                ^^^
            4       log { source(s); };
            """)
    }

    @Test func missingSemicolonAfterClosingBrace() {
        let text = """
            @version: 4.0
            options { flush_lines(0); };
            source s { internal(); }
            destination d { file("/tmp/out"); };
            log { source(s); destination(d); };
            # end

            """
        let error = parseError(text, fileName: "/etc/syslog-swift/main.conf")
        #expect(error?.description == """
            Error parsing config, syntax error, unexpected identifier 'destination', expecting ';' \
            in /etc/syslog-swift/main.conf:4:1-4:12:
            2       options { flush_lines(0); };
            3       source s { internal(); }
            4-----> destination d { file("/tmp/out"); };
            4-----> ^^^^^^^^^^^
            5       log { source(s); destination(d); };
            6       # end
            """)
    }

    @Test func unterminatedString() {
        let error = parseError("source s {\n    file(\"/var/log/x);\n};\n", fileName: "/tmp/u.conf")
        #expect(error?.description == """
            Error parsing config, syntax error, unterminated string literal in /tmp/u.conf:2:10-2:11:
            1       source s {
            2----->     file("/var/log/x);
            2----->          ^
            3       };
            """)
    }

    @Test func unknownTopLevelKeyword() {
        let error = parseError("@version: 4.0\nsauce s_local { system(); };\n", fileName: "/tmp/k.conf")
        #expect(error?.description == """
            Error parsing config, syntax error, unexpected identifier 'sauce', expecting one of: options, source, \
            destination, filter, parser, rewrite, template, template-function, log, python in /tmp/k.conf:2:1-2:6:
            1       @version: 4.0
            2-----> sauce s_local { system(); };
            2-----> ^^^^^
            """)
    }

    @Test func errorInsideAnIncludedFileNamesThatFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("inc")
        let bad = try directory.write("inc/bad.conf", "# included\ndestination d {\n    file(\"/tmp/out\")\n};\n")
        let main = try directory.write("main.conf", "@version: 4.0\n@include \"inc/bad.conf\"\nlog { destination(d); };\n")
        do {
            _ = try loader().load(path: main)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == """
                Error parsing config, syntax error, unexpected '}', expecting ';' in \(bad):4:1-4:2:
                2       destination d {
                3           file("/tmp/out")
                4-----> };
                4-----> ^
                """)
        }
    }

    @Test func unexpectedEndOfFile() {
        let error = parseError("source s { internal(); }", fileName: "/tmp/e.conf")
        #expect(error?.description == """
            Error parsing config, syntax error, unexpected end of file, expecting ';' in /tmp/e.conf:1:25-1:26:
            1-----> source s { internal(); }
            1----->                         ^
            """)
    }

    @Test func caretLineKeepsTabs() {
        let error = parseError("source s {\n\tfoo bar;\n};", fileName: "/tmp/t.conf")
        #expect(error?.excerpt == [
            "1       source s {",
            "2-----> \tfoo bar;",
            "2-----> \t    ^^^",
            "3       };",
        ])
    }

    @Test func semanticErrorsRenderTheSameWay() throws {
        let config = try parse("destination d {\n    file(\"/tmp/x\" foo(1));\n};\n", fileName: "/tmp/s.conf")
        guard case .destination(_, let drivers, _) = config.statements.first,
              let foo = drivers.first?.options.first else {
            Issue.record("unexpected tree")
            return
        }
        let error = config.sources.error("unknown option 'foo' for destination driver file()", at: foo.range)
        #expect(error.description == """
            Error parsing config, unknown option 'foo' for destination driver file() in /tmp/s.conf:2:19-2:22:
            1       destination d {
            2----->     file("/tmp/x" foo(1));
            2----->                   ^^^
            3       };
            """)
    }

    @Test func multiLineRangesMarkEveryLine() {
        let range = SourceRange(start: SourceLocation(file: "m.conf", line: 2, column: 3), endLine: 3, endColumn: 2)
        let lines = ConfigError.renderExcerpt(lines: ["a", "bcde", "fgh", "i"], range: range)
        #expect(lines == [
            "1       a",
            "2-----> bcde",
            "2----->   ^^",
            "3-----> fgh",
            "3-----> ^^",
            "4       i",
        ])
    }

    @Test func longLineNumbersStayAligned() {
        let text = (1...12).map { "line\($0)" }.joined(separator: "\n")
        let range = SourceRange(start: SourceLocation(file: "l.conf", line: 11, column: 1), endLine: 11, endColumn: 4)
        #expect(ConfigError.renderExcerpt(lines: ConfigError.splitLines(text), range: range) == [
            "9       line9",
            "10      line10",
            "11----> line11",
            "11----> ^^^^",
            "12      line12",
        ])
    }
}
