import SyslogMessage

/// The selection of name-value pairs of `$(format-json …)` (syslog-ng's value-pairs options):
/// `--scope`, `--key`, `--exclude`, `--pair` / `NAME=TEMPLATE`, `--leave-initial-dot`,
/// `--omit-empty-values`.
struct ValuePairs: Sendable {
    /// How a `NAME=TYPE(…)` pair casts its text (`datetime(…)` is written as a string, as
    /// syslog-ng 3.38 does).
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
    /// Each pair's JSON key, made once.
    var pairKeys: [[UInt8]] = []
    var patterns: [Pattern] = []
    var includeNV = false
    var includeDotNV = false
    var includeSDATA = false
    var leaveInitialDot = false
    /// `--rekey GLOB` followed by `--add-prefix P`, `--replace-prefix OLD=NEW`, `--shift N`,
    /// `--shift-levels N`: applied in order to the names the glob matches.
    var rekeys: [(Glob, [KeyTransform])] = []

    enum KeyTransform: Sendable {
        case addPrefix(String)
        case replacePrefix(String, String)
        case shift(Int)
        case shiftLevels(Int)

        func apply(_ name: String) -> String {
            switch self {
            case .addPrefix(let p):
                return p + name
            case .replacePrefix(let old, let new):
                return name.hasPrefix(old) ? new + name.dropFirst(old.count) : name
            case .shift(let n):
                return String(name.dropFirst(n))
            case .shiftLevels(let n):
                var rest = Substring(name)
                for _ in 0..<n {
                    guard let dot = rest.firstIndex(of: ".") else { return String(rest) }
                    rest = rest[rest.index(after: dot)...]
                }
                return String(rest)
            }
        }
    }
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
            case "--rekey":
                rekeys.append((Glob(try value().text), []))
            case "--add-prefix", "--replace-prefix", "--replace", "--shift", "--shift-levels":
                let v = try value()
                guard !rekeys.isEmpty else {
                    throw TemplateError("format-json: \(text) must follow --rekey", offset: arg.offset)
                }
                let transform: KeyTransform
                switch text {
                case "--add-prefix":
                    transform = .addPrefix(v.text)
                case "--shift", "--shift-levels":
                    guard let n = Int(v.text), n >= 0 else {
                        throw TemplateError("format-json: \(text) takes a number", offset: v.offset)
                    }
                    transform = text == "--shift" ? .shift(n) : .shiftLevels(n)
                default:
                    guard let eq = v.text.firstIndex(of: "=") else {
                        throw TemplateError("format-json: \(text) takes OLD=NEW", offset: v.offset)
                    }
                    transform = .replacePrefix(String(v.text[..<eq]), String(v.text[v.text.index(after: eq)...]))
                }
                rekeys[rekeys.count - 1].1.append(transform)
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
        pairKeys = pairs.map { key($0.name) }
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
                                                "null": .null, "datetime": .string]
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

    // MARK: the selected pairs of one message

    /// A selected pair; `priority` decides which of two pairs with one key is kept (lower wins:
    /// `--pair`, then name-value pairs, then macros).
    struct Item {
        var key: [UInt8]
        var priority: UInt8
        var value: Value
    }

    enum Value {
        /// Text, as a string.
        case text([UInt8])
        /// A typed value.
        case typed(LogValue)
        /// Already encoded JSON (`literal(…)`, a `double(…)` that parsed).
        case raw([UInt8])
    }

    /// The pairs selected for `msg`, unsorted, duplicates included.
    func collect(_ msg: RenderInput, context: inout TemplateRenderContext) -> [Item] {
        var items: [Item] = []
        var scratch: [UInt8] = []
        items.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            let pairKey = pairKeys[index]
            scratch.removeAll(keepingCapacity: true)
            if pair.hint == .none, let ref = pair.template.singleReference, case .value(let h) = ref {
                if let v = msg[h] {
                    if omitEmpty, case .string(let s) = v, s.isEmpty { continue }
                    items.append(Item(key: pairKey, priority: 0, value: .typed(v)))
                } else if !omitEmpty {
                    items.append(Item(key: pairKey, priority: 0, value: .text([])))
                }
                continue
            }
            pair.template.renderNested(msg, into: &scratch, context: &context)
            if omitEmpty && scratch.isEmpty { continue }
            items.append(Item(key: pairKey, priority: 0, value: Self.cast(scratch, pair.hint)))
        }
        if considersNV {
            for e in msg.entries {
                let name = NameRegistry.shared.name(of: e.handle)
                guard included(name, default: nvInScope(name)) else { continue }
                if omitEmpty, case .string(let s) = e.value, s.isEmpty { continue }
                items.append(Item(key: key(name), priority: 1, value: .typed(e.value)))
            }
        }
        for (name, ref) in macros {
            scratch.removeAll(keepingCapacity: true)
            MacroRendering.append(ref, msg, options: options, to: &scratch, context: &context)
            if scratch.isEmpty { continue }
            items.append(Item(key: key(name), priority: 2, value: .text(scratch)))
        }
        return items
    }

    /// Applies a `TYPE(…)` hint; text that does not parse as the type stays a string.
    static func cast(_ text: [UInt8], _ hint: TypeHint) -> Value {
        let s = String(decoding: text, as: UTF8.self)
        switch hint {
        case .none, .string:
            return .text(text)
        case .literal:
            return text.isEmpty ? .text(text) : .raw(text)
        case .int:
            if let i = Int64(s) { return .typed(.int(i)) }
        case .double:
            if let d = Double(s), d.isFinite, s.allSatisfy({ "0123456789.eE+-".contains($0) }),
               s.first != "+", s.first != "." {
                return .raw(text)
            }
        case .boolean:
            switch s.lowercased() {
            case "true", "yes", "1", "on": return .typed(.bool(true))
            case "false", "no", "0", "off": return .typed(.bool(false))
            default: break
            }
        case .list:
            return .typed(.list(ListParser.split(s)))
        case .null:
            return .typed(.null)
        }
        return .text(text)
    }

    private func key(_ name: String) -> [UInt8] {
        var renamed = name
        for (glob, transforms) in rekeys where glob.matches(name) {
            for t in transforms { renamed = t.apply(renamed) }
        }
        var k = Array(renamed.utf8)
        if !leaveInitialDot, k.first == UInt8(ascii: ".") { k[0] = UInt8(ascii: "_") }
        return k
    }
}

/// syslog-ng's `value-pairs()` for drivers (a Python destination's dict): the same selection as
/// `$(format-json …)`, from the same arguments (`--scope rfc5424 --key MSG --pair NAME=TEMPLATE …`).
public struct ValuePairsSelection: Sendable {
    let spec: ValuePairs

    public init(arguments: [String], options: TemplateOptions,
                conditionCompiler: Template.ConditionCompiler? = nil) throws(TemplateError) {
        let call = FunctionCall(name: "value-pairs", arguments: arguments.map { FunctionArgument(text: $0, offset: 0) },
                                offset: 0, end: 0)
        spec = try ValuePairs(call, options: options, conditionCompiler: conditionCompiler)
    }

    /// The selected pairs of `msg`, one per name (the first of `pair()`, name-value pairs and
    /// macros wins), sorted by name; text is a string, typed values keep their type.
    public func evaluate(_ msg: LogMessage) -> [(name: String, value: LogValue)] {
        var context = TemplateRenderContext()
        let items = spec.collect(RenderInput(msg), context: &context)
        var best: [[UInt8]: ValuePairs.Item] = [:]
        for item in items where !item.key.isEmpty {
            if let old = best[item.key], old.priority <= item.priority { continue }
            best[item.key] = item
        }
        return best.values.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { item in
            let name = String(decoding: item.key, as: UTF8.self)
            switch item.value {
            case .text(let t), .raw(let t): return (name, LogValue.string(bytes: t))
            case .typed(let v): return (name, v)
            }
        }
    }
}
