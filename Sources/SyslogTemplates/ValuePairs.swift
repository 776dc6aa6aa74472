import SyslogMessage

/// The selection of name-value pairs of `$(format-json …)` (syslog-ng's value-pairs options):
/// `--scope`, `--key`, `--exclude`, `--pair` / `NAME=TEMPLATE`, `--leave-initial-dot`,
/// `--omit-empty-values`.
struct ValuePairs: Sendable {
    /// How a `NAME=TYPE(…)` pair casts its text.
    enum TypeHint: Sendable, Equatable {
        /// `literal(…)`: the rendered text is inserted as raw JSON.
        case none, string, literal, int, double, boolean, list, null
    }

    struct Pair: Sendable {
        var name: String
        var template: Template
        var hint: TypeHint
    }

    struct Pattern: Sendable {
        var glob: Glob
        var include: Bool
    }

    /// Options the selected macros render with (template-escape off).
    let options: TemplateOptions
    /// Macros (and builtin values rendered like macros) selected at compile time.
    var macros: [(name: String, ref: MacroRef)] = []
    var pairs: [Pair] = []
    var patterns: [Pattern] = []
    var includeNV = false
    var includeDotNV = false
    var includeSDATA = false
    var leaveInitialDot = false
    var omitEmpty = false

    private static let rfc3164 = ["FACILITY", "PRIORITY", "DATE", "HOST", "PROGRAM", "PID", "MESSAGE"]

    init(_ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        var inner = options
        inner.escape = false
        self.options = inner
        var scopeMacros: Set<String> = []
        var everything = false
        var args = call.arguments[...]
        while let arg = args.popFirst() {
            let text = arg.text
            func value() throws(TemplateError) -> FunctionArgument {
                guard let v = args.popFirst() else {
                    throw TemplateError("format-json: missing argument to \(text)", offset: arg.offset)
                }
                return v
            }
            switch text {
            case "--scope":
                let v = try value()
                for scope in v.text.split(separator: ",") {
                    switch scope {
                    case "nv-pairs": includeNV = true
                    case "dot-nv-pairs": includeDotNV = true
                    case "all-nv-pairs": includeNV = true; includeDotNV = true
                    case "rfc3164", "core", "base": scopeMacros.formUnion(Self.rfc3164)
                    case "rfc5424", "syslog-proto":
                        scopeMacros.formUnion(Self.rfc3164)
                        scopeMacros.insert("MSGID")
                        includeSDATA = true
                    case "selected-macros":
                        scopeMacros.formUnion(Self.rfc3164)
                        scopeMacros.formUnion(["TAGS", "SOURCEIP", "SEQNUM"])
                    case "everything":
                        everything = true
                        includeNV = true
                        includeDotNV = true
                    case "none": break
                    default:
                        throw TemplateError("format-json: unknown scope '\(scope)'", offset: v.offset)
                    }
                }
            case "--key":
                patterns.append(Pattern(glob: Glob(try value().text), include: true))
            case "--exclude":
                patterns.append(Pattern(glob: Glob(try value().text), include: false))
            case "--pair":
                let v = try value()
                pairs.append(try Self.pair(v, options: options, conditionCompiler: conditionCompiler))
            case "--leave-initial-dot":
                leaveInitialDot = true
            case "--omit-empty-values":
                omitEmpty = true
            default:
                if text.hasPrefix("--") {
                    throw TemplateError("format-json: unknown option '\(text)'", offset: arg.offset)
                }
                pairs.append(try Self.pair(arg, options: options, conditionCompiler: conditionCompiler))
            }
        }
        let anyKey = patterns.contains { $0.include }
        for (name, ref) in MacroTable.all + Self.rfc3164.map({ ($0, MacroTable.resolve($0)) }) + [("MSGID", MacroTable.resolve("MSGID"))] {
            let inScope = everything || scopeMacros.contains(name)
            guard inScope || anyKey, !macros.contains(where: { $0.name == name }) else { continue }
            if included(name, default: inScope) { macros.append((name, ref)) }
        }
    }

    /// `NAME=TEMPLATE`, with an optional type hint `NAME=int(TEMPLATE)`.
    private static func pair(_ arg: FunctionArgument, options: TemplateOptions,
                             conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) -> Pair {
        guard let eq = arg.text.firstIndex(of: "="), eq != arg.text.startIndex else {
            throw TemplateError("format-json: expected an equal sign in key=value pair", offset: arg.offset)
        }
        let name = String(arg.text[..<eq])
        var body = String(arg.text[arg.text.index(after: eq)...])
        var hint = TypeHint.none
        if body.hasSuffix(")"), let open = body.firstIndex(of: "(") {
            let typeName = body[..<open]
            let known: [Substring: TypeHint] = ["string": .string, "literal": .literal, "int": .int,
                                                "int32": .int, "int64": .int, "double": .double,
                                                "float": .double, "boolean": .boolean, "list": .list,
                                                "null": .null]
            if let h = known[typeName] {
                hint = h
                body = String(body[body.index(after: open)..<body.index(before: body.endIndex)])
            }
        }
        let offset = arg.offset + arg.text.utf8.distance(from: arg.text.startIndex, to: eq) + 1
        let template = try TemplateFunctions.compileArgument(body, at: offset, options: options,
                                                             conditionCompiler: conditionCompiler)
        return Pair(name: name, template: template, hint: hint)
    }

    /// Whether `name` is selected: `inScope` unless a later --key/--exclude glob matches it
    /// (the last matching pattern wins).
    func included(_ name: String, default inScope: Bool) -> Bool {
        var result = inScope
        for p in patterns where p.include != result && p.glob.matches(name) {
            result = p.include
        }
        return result
    }

    /// Whether the message's value `name` is in the nv-pair scopes.
    func nvInScope(_ name: String) -> Bool {
        if name.hasPrefix(".") {
            return includeDotNV || (includeSDATA && name.hasPrefix(".SDATA."))
        }
        return includeNV
    }

    /// Whether any nv-pair can be selected at all (skip name lookups otherwise).
    var considersNV: Bool {
        includeNV || includeDotNV || includeSDATA || patterns.contains { $0.include }
    }
}
