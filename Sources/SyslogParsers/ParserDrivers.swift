import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates
import SyslogFilters

/// Registers the message parsers (`csv-parser()`, `kv-parser()`, `regexp-parser()`,
/// `json-parser()`) and the rewrite rules (`set()`, `unset()`, `groupset()`, `groupunset()`,
/// `subst()`, `set-tag()`, `clear-tag()`, `set-pri()`, `set-facility()`, `set-severity()`,
/// `set-matches()`, `unset-matches()`).
public enum ParserDrivers {
    public static func register(in registry: DriverRegistry) {
        CSVParser.register(in: registry)
        KVParser.register(in: registry)
        RegexpParser.register(in: registry)
        JSONParser.register(in: registry)
        DateParser.register(in: registry)
        SyslogLineParser.register(in: registry)
        registerRewrites(in: registry)
    }

    static func template(_ reader: OptionReader, _ ctx: BuildContext, _ what: String) throws(ConfigError) -> Template {
        let args = reader.takePositionals()
        guard args.count == 1 else {
            throw ctx.errors.error("\(reader.node.rawName)() takes one \(what)", at: reader.node.range)
        }
        return try ctx.templates.compile(args[0].0, at: args[0].1, options: ctx.globals.templateOptions, allowNamed: false)
    }

    /// The handle of `value()`, nil without one; builtin macros are refused, as syslog-ng does.
    static func writableValue(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> NVHandle? {
        guard let o = reader.take("value") else { return nil }
        let (v, r) = try OptionReader.single(o, errors: ctx.errors)
        return try writable(v.text, ctx, at: r)
    }

    static func writable(_ name: String, _ ctx: BuildContext, at range: SourceRange) throws(ConfigError) -> NVHandle {
        guard !Template.isReadOnlyMacro(name) else {
            throw ctx.errors.error("Error parsing rewrite expression, \(name) is read-only, it cannot be changed in rewrite rules", at: range)
        }
        return NameRegistry.shared.handle(for: name)
    }

    static func registerRewrites(in registry: DriverRegistry) {
        /// Registers a rule that also takes `condition(FILTER)`: applied only to messages it matches.
        func rewrite(_ name: String, _ factory: @escaping ParserFactory) {
            registry.registerRewrite(name) { (reader, ctx) throws(ConfigError) in
                var filter: CompiledFilter?
                if let o = reader.take("condition") {
                    guard case .filter(let expr, let r)? = o.arguments.first, let compile = ctx.compileFilter else {
                        throw ctx.errors.error("condition() takes a filter expression", at: o.range)
                    }
                    filter = try compile(expr, r)
                }
                let rule = try factory(reader, ctx)
                return filter.map { ConditionalRewrite(rule: rule, condition: $0) } ?? rule
            }
        }
        rewrite("set") { (reader, ctx) throws(ConfigError) in
            let t = try template(reader, ctx, "template")
            return SetRewrite(template: t, handle: try writableValue(reader, ctx) ?? .message)
        }
        rewrite("unset") { (reader, ctx) throws(ConfigError) in
            var handles: [NVHandle] = []
            if let o = reader.take("values") {
                for name in try OptionReader.strings(o, errors: ctx.errors) {
                    handles.append(try writable(name, ctx, at: o.range))
                }
            }
            if let h = try writableValue(reader, ctx) { handles.append(h) }
            guard !handles.isEmpty else { throw ctx.errors.error("unset() requires value()", at: reader.node.range) }
            return UnsetRewrite(handles: handles)
        }
        rewrite("groupset") { (reader, ctx) throws(ConfigError) in
            let t = try template(reader, ctx, "template")
            guard let globs = try reader.strings("values"), !globs.isEmpty else {
                throw ctx.errors.error("groupset() requires values()", at: reader.node.range)
            }
            return GroupRewrite(template: t, globs: globs.map { Glob($0) })
        }
        rewrite("groupunset") { (reader, ctx) throws(ConfigError) in
            guard let globs = try reader.strings("values"), !globs.isEmpty else {
                throw ctx.errors.error("groupunset() requires values()", at: reader.node.range)
            }
            return GroupRewrite(template: nil, globs: globs.map { Glob($0) })
        }
        rewrite("subst") { (reader, ctx) throws(ConfigError) in
            try SubstRewrite.make(reader, ctx)
        }
        for (name, add) in [("set-tag", true), ("clear-tag", false)] {
            rewrite(name) { (reader, ctx) throws(ConfigError) in
                let args = reader.takePositionals()
                guard args.count == 1, !args[0].0.isEmpty else {
                    throw ctx.errors.error("\(name)() takes one tag name", at: reader.node.range)
                }
                return TagRewrite(tag: args[0].0, add: add)
            }
        }
        for (name, part) in [("set-pri", PriorityRewrite.Part.pri), ("set-facility", .facility), ("set-severity", .severity)] {
            rewrite(name) { (reader, ctx) throws(ConfigError) in
                PriorityRewrite(template: try template(reader, ctx, "template"), part: part)
            }
        }
        rewrite("set-matches") { (reader, ctx) throws(ConfigError) in
            MatchesRewrite(template: try template(reader, ctx, "template"))
        }
        rewrite("unset-matches") { (reader, ctx) throws(ConfigError) in
            MatchesRewrite(template: nil)
        }
    }
}

/// A rewrite rule with `condition()`: messages the filter does not match pass unchanged.
final class ConditionalRewrite: MessageParser {
    let rule: any MessageParser
    let condition: CompiledFilter

    init(rule: any MessageParser, condition: CompiledFilter) {
        self.rule = rule
        self.condition = condition
    }

    func parse(_ msg: LogMessage) -> Bool {
        condition.matches(msg) ? rule.parse(msg) : true
    }
}
