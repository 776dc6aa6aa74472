import SyslogConfig

/// Reads the options of one driver (`file("…" template(…) create-dirs(yes))`), checking types
/// and reporting options the driver does not know, with the driver named in the error.
public final class OptionReader {
    public let node: OptionNode
    /// e.g. `destination driver file()`.
    public let driverDescription: String
    let errors: ConfigErrorFactory
    private var consumed = Set<Int>()
    private var known: [String] = []

    public init(_ node: OptionNode, kind: String, errors: ConfigErrorFactory) {
        self.node = node
        self.driverDescription = "\(kind) driver \(node.name)()"
        self.errors = errors
    }

    /// The positional scalar arguments (e.g. the file name).
    public var positional: [(ConfigValue, SourceRange)] {
        node.arguments.compactMap { if case .value(let v, let r) = $0 { return (v, r) } else { return nil } }
    }

    /// The first positional argument as text, or an error saying it is required.
    public func requiredPositional(_ what: String) throws(ConfigError) -> (String, SourceRange) {
        for (i, arg) in node.arguments.enumerated() {
            if case .value(let v, let r) = arg {
                consumed.insert(i)
                return (v.text, r)
            }
        }
        throw errors.error("\(driverDescription) requires \(what)", at: node.range)
    }

    /// Takes every positional scalar argument, as text, in order (`subst("a" "b" …)`).
    public func takePositionals() -> [(String, SourceRange)] {
        var out: [(String, SourceRange)] = []
        for (i, arg) in node.arguments.enumerated() {
            if case .value(let v, let r) = arg {
                consumed.insert(i)
                out.append((v.text, r))
            }
        }
        return out
    }

    /// Takes the nested option `name` (`_`/`-` folded) if present; the last one wins.
    public func take(_ name: String) -> OptionNode? {
        known.append(name)
        var found: OptionNode?
        for (i, arg) in node.arguments.enumerated() {
            if case .option(let o) = arg, o.name == name {
                consumed.insert(i)
                found = o
            }
        }
        return found
    }

    /// Takes every nested option named `name`.
    public func takeAll(_ name: String) -> [OptionNode] {
        known.append(name)
        var out: [OptionNode] = []
        for (i, arg) in node.arguments.enumerated() {
            if case .option(let o) = arg, o.name == name {
                consumed.insert(i)
                out.append(o)
            }
        }
        return out
    }

    public func string(_ name: String) throws(ConfigError) -> String? {
        guard let o = take(name) else { return nil }
        return try OptionReader.string(o, errors: errors)
    }

    public func bool(_ name: String) throws(ConfigError) -> Bool? {
        guard let o = take(name) else { return nil }
        return try OptionReader.bool(o, errors: errors)
    }

    public func int(_ name: String) throws(ConfigError) -> Int? {
        guard let o = take(name) else { return nil }
        return try OptionReader.int(o, errors: errors)
    }

    public func double(_ name: String) throws(ConfigError) -> Double? {
        guard let o = take(name) else { return nil }
        return try OptionReader.double(o, errors: errors)
    }

    /// A list of words/strings: `tags("a", "b")` or `flags(x y)`.
    public func strings(_ name: String) throws(ConfigError) -> [String]? {
        guard let o = take(name) else { return nil }
        return try OptionReader.strings(o, errors: errors)
    }

    /// Fails on the first option or extra positional argument nobody took.
    public func finish(allowPositional: Int = 1) throws(ConfigError) {
        var positionalSeen = 0
        for (i, arg) in node.arguments.enumerated() where !consumed.contains(i) {
            switch arg {
            case .option(let o):
                let list = Array(Set(known)).sorted().joined(separator: ", ")
                throw errors.error("Unknown option '\(o.rawName)' for \(driverDescription); known options: \(list)", at: o.range)
            case .value(_, let r):
                positionalSeen += 1
                if positionalSeen > allowPositional {
                    throw errors.error("Unexpected argument for \(driverDescription)", at: r)
                }
            default:
                throw errors.error("Unexpected argument for \(driverDescription)", at: arg.range)
            }
        }
    }

    // MARK: typed values of one option

    public static func single(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> (ConfigValue, SourceRange) {
        let vals = o.arguments.compactMap { a -> (ConfigValue, SourceRange)? in
            if case .value(let v, let r) = a { return (v, r) } else { return nil }
        }
        guard vals.count == 1, o.arguments.count == 1, let first = vals.first else {
            throw errors.error("Option \(o.rawName)() expects exactly one value", at: o.range)
        }
        return first
    }

    public static func string(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> String {
        let (v, _) = try single(o, errors: errors)
        return v.text
    }

    public static func bool(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> Bool {
        let (v, r) = try single(o, errors: errors)
        switch v {
        case .identifier(let s), .string(let s):
            switch s.lowercased() {
            case "yes", "on", "true": return true
            case "no", "off", "false": return false
            default: break
            }
        case .number(let n): return n != 0
        case .float: break
        }
        throw errors.error("Option \(o.rawName)() expects yes or no, got '\(v.text)'", at: r)
    }

    public static func int(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> Int {
        let (v, r) = try single(o, errors: errors)
        if case .number(let n) = v { return Int(n) }
        throw errors.error("Option \(o.rawName)() expects a number, got '\(v.text)'", at: r)
    }

    /// A number of seconds that must not be negative (`stall-timeout()`, `stop-timeout()`, …).
    public static func nonNegativeSeconds(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> Double {
        let v = try double(o, errors: errors)
        if v < 0 { throw errors.error("\(o.rawName)() must not be negative", at: o.range) }
        return v
    }

    public static func double(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> Double {
        let (v, r) = try single(o, errors: errors)
        switch v {
        case .number(let n): return Double(n)
        case .float(let d): return d
        default: throw errors.error("Option \(o.rawName)() expects a number, got '\(v.text)'", at: r)
        }
    }

    public static func strings(_ o: OptionNode, errors: ConfigErrorFactory) throws(ConfigError) -> [String] {
        var out: [String] = []
        for a in o.arguments {
            switch a {
            case .value(let v, _): out.append(v.text)
            case .list(let items, _):
                for i in items { if case .value(let v, _) = i { out.append(v.text) } }
            default:
                throw errors.error("Option \(o.rawName)() expects a list of words", at: a.range)
            }
        }
        return out
    }
}
