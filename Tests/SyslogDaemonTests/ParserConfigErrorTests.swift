import Testing

/// Parsers and rewrite rules refuse bad options at start-up, with the place in the file.
@Suite(.timeLimit(.minutes(2))) struct ParserConfigErrorTests {
    typealias Scratch = PythonSourceEndToEndTests.Scratch

    static let cases: [(String, String)] = [
        ("parser p { csv-parser(delimiters(\",\")); };", "csv-parser() requires columns()"),
        ("parser p { csv-parser(columns(\"a\") flags(sideways)); };", "Unknown csv-parser() flag or dialect 'sideways'"),
        ("parser p { regexp-parser(patterns(\"(\")); };", "Error compiling regexp-parser() pattern"),
        ("parser p { kv-parser(value-separator(\"==\")); };", "value-separator() must be one character"),
        ("rewrite r { subst(\"a\" \"b\" type(glob)); };", "subst() cannot replace with type(glob)"),
        ("rewrite r { subst(\"a\"); };", "subst() takes a pattern and a replacement"),
        ("rewrite r { no-such-rule(\"x\"); };", "Unknown rewrite driver 'no-such-rule'"),
        ("rewrite r { set(\"x\" no-such-option(1)); };", "Unknown option 'no-such-option'"),
        ("template-function tf \"$HOST\"; rewrite r { set(\"$(tf x)\"); };", "User defined template function $(tf) cannot have arguments"),
        ("rewrite r { set(\"x\" value(\"FACILITY\")); };", "FACILITY is read-only, it cannot be changed in rewrite rules"),
        ("rewrite r { unset(value(\"DATE\")); };", "DATE is read-only, it cannot be changed in rewrite rules"),
        ("rewrite r { subst(\"a\" \"b\" value(\"TAGS\")); };", "TAGS is read-only, it cannot be changed in rewrite rules"),
        ("template-function tf \"$(tf)\"; rewrite r { set(\"$(tf)\"); };", "User defined template functions nest too deep"),
    ]

    @Test("each bad parser or rewrite option: non-zero exit and the error at its line", arguments: 0..<cases.count)
    func refused(_ i: Int) throws {
        let (statement, message) = ParserConfigErrorTests.cases[i]
        let s = Scratch()
        let kind = statement.hasPrefix("parser") ? "parser(p)" : "rewrite(r)"
        s.write("source s { stdin(); };\n\(statement)\nlog { source(s); \(kind); };")
        #expect(try s.runToExit() != 0)
        #expect(s.stderr.contains(message), "\(s.stderr)")
        #expect(s.stderr.contains(":3:"), "\(s.stderr)")
    }
}
