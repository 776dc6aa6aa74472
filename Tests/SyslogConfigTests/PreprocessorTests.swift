import Testing
@testable import SyslogConfig

@Suite struct PreprocessorTests {
    @Test func defineAndBacktickSubstitution() throws {
        let config = try parse("""
            @version: 3.38
            @define logdir "/var/log"
            @define drivers "internal(); stdin();"
            @define size 10K
            source s { `drivers` file("`logdir`/app.log" log-msg-size(`size`)); };
            destination d { file('`HOME_DIR`/x'); };
            destination e { file("`UNDEFINED_VAR`/y"); };
            """, environment: ["HOME_DIR": "/home/u", "logdir": "not used: @define wins"])
        #expect(config.version == "3.38")
        #expect(config.statements.map(\.stripped) == [
            .source(name: "s", drivers: [
                node("internal"), node("stdin"), node("file", str("/var/log/app.log"), opt("log-msg-size", num(10_000))),
            ], noRange),
            .destination(name: "d", drivers: [node("file", str("/home/u/x"))], noRange),
            .destination(name: "e", drivers: [node("file", str("/y"))], noRange),
        ])
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("`UNDEFINED_VAR`") == true)
    }

    @Test func substitutedTokensAreLocatedAtTheReference() throws {
        let config = try parse("@define d \"internal();\"\nsource s { `d` };", fileName: "b.conf")
        guard case .source(_, let drivers, _) = config.statements.first else {
            Issue.record("not a source")
            return
        }
        #expect(drivers.first?.range == SourceRange(start: SourceLocation(file: "b.conf", line: 2, column: 12),
                                                    endLine: 2, endColumn: 14))
    }

    @Test func substitutionGluesToNeighbouringText() throws {
        let config = try parse("@define suffix \"net\"\nsource s_`suffix` { internal(); };")
        guard case .source(let name, _, _) = config.statements.first else {
            Issue.record("not a source")
            return
        }
        #expect(name == "s_net")
    }

    @Test func recursiveDefineIsAnErrorNotAHang() {
        // `\`` keeps a backtick literal, so the value of a is `a` itself.
        let error = parseError("@define a \"\\`a\\`\"\nsource s { `a` };", fileName: "rec.conf")
        #expect(error?.message.contains("nested too deeply") == true)
    }

    @Test func backticksInCommentsAndPythonStringsAreLeftAlone() throws {
        let config = try parse("# `nope`\npython { x = \"`keep`\" # `also`\n};")
        #expect(config.warnings.isEmpty)
        #expect(config.statements.map(\.stripped) == [.rawBlock(keyword: "python", code: " x = \"`keep`\" # `also`\n", noRange)])
    }

    @Test func includeRelativePathAndDefinesAcrossFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("conf.d")
        let included = try directory.write("conf.d/sources.conf", "source s_inc { file(\"`where`\"); };\n")
        let main = try directory.write("main.conf", """
            @version: 4.0
            @define where "/var/log/inc"
            source s_first { internal(); };
            @include "conf.d/sources.conf"
            log { source(s_first); source(s_inc); };
            """)
        let config = try loader().load(path: main)
        #expect(config.files == [main, included])
        #expect(config.statements.map(\.stripped) == [
            .source(name: "s_first", drivers: [node("internal")], noRange),
            .source(name: "s_inc", drivers: [node("file", str("/var/log/inc"))], noRange),
            .log(LogStatement(items: [.sourceRef("s_first", noRange), .sourceRef("s_inc", noRange)], flags: [],
                              range: noRange)),
        ])
        guard case .source(_, _, let range) = config.statements[1] else {
            Issue.record("not a source")
            return
        }
        #expect(range.start == SourceLocation(file: included, line: 1, column: 1))
        #expect(config.sources.text(of: included) == "source s_inc { file(\"`where`\"); };\n")
    }

    @Test func includeGlobInSortedOrder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.makeDirectory("conf.d")
        let second = try directory.write("conf.d/b.conf", "source s_b { internal(); };")
        let first = try directory.write("conf.d/a.conf", "source s_a { internal(); };")
        try directory.write("conf.d/c.txt", "this is not included")
        let main = try directory.write("main.conf", "@include \"conf.d/*.conf\"\nlog { source(s_a); };\n")
        let config = try loader().load(path: main)
        #expect(config.statements.map(\.stripped) == [
            .source(name: "s_a", drivers: [node("internal")], noRange),
            .source(name: "s_b", drivers: [node("internal")], noRange),
            .log(LogStatement(items: [.sourceRef("s_a", noRange)], flags: [], range: noRange)),
        ])
        #expect(config.files == [main, first, second])
    }

    @Test func includeDirectorySkipsHiddenAndBackupFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let conf = try directory.makeDirectory("conf.d")
        try directory.write("conf.d/20-b.conf", "destination d_b { file(\"b\"); };")
        try directory.write("conf.d/10-a.conf", "destination d_a { file(\"a\"); };")
        try directory.write("conf.d/.hidden.conf", "garbage")
        try directory.write("conf.d/30-c.conf~", "garbage")
        try directory.makeDirectory("conf.d/subdir")
        let config = try loader().parse(text: "@include 'conf.d'\n@include \"\(conf)\"",
                                        fileName: directory.path + "/main.conf")
        let names = config.statements.compactMap { statement -> String? in
            if case .destination(let name, _, _) = statement { return name }
            return nil
        }
        #expect(names == ["d_a", "d_b", "d_a", "d_b"])
    }

    @Test func missingIncludeIsAnErrorAtTheInclude() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let main = directory.path + "/main.conf"
        let error = parseError("@version: 4.0\n@include \"nope.conf\"\n", fileName: main)
        #expect(error?.message == "Include file/directory not found, filename='nope.conf', "
                + "error='No such file or directory'")
        #expect(error?.range == SourceRange(start: SourceLocation(file: main, line: 2, column: 1),
                                            endLine: 2, endColumn: 20))
        let globError = parseError("@include \"*.nothing\"", fileName: main)
        #expect(globError?.message == "Include file/directory not found, filename='*.nothing', "
                + "error='No such file or directory'")
    }

    @Test func selfIncludeHitsTheNestingLimit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let main = try directory.write("loop.conf", "@include \"loop.conf\"\n")
        do {
            _ = try loader().load(path: main)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "Include nesting too deep (maximum 32 levels), filename='loop.conf'")
            #expect(error.range?.start.file == main)
        }
    }

    @Test func missingMainFileIsAnErrorWithoutLocation() {
        do {
            _ = try loader().load(path: "/nonexistent/syslog.conf")
            Issue.record("expected an error")
        } catch {
            #expect(error.range == nil)
            #expect(error.description
                    == "Error opening configuration file, filename='/nonexistent/syslog.conf', error='No such file or directory'")
        }
    }

    @Test func unknownPragmaIsAnError() {
        let error = parseError("@frobnicate yes\n", fileName: "p.conf")
        #expect(error?.message == "syntax error, unknown pragma '@frobnicate'")
    }
}
