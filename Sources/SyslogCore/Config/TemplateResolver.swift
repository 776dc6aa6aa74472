import SyslogConfig
import SyslogTemplates
import SyslogMessage

/// Resolves `template(…)` options into compiled templates: `template(t_name)` names a
/// `template` statement, anything else is template text.
public final class TemplateResolver {
    struct Named {
        var text: String
        var escape: Bool
    }
    private let named: [String: Named]
    let errors: ConfigErrorFactory
    let conditionCompiler: @Sendable (String) throws -> @Sendable (LogMessage) -> Bool

    init(named: [String: Named], errors: ConfigErrorFactory,
         conditionCompiler: @escaping @Sendable (String) throws -> @Sendable (LogMessage) -> Bool) {
        self.named = named
        self.errors = errors
        self.conditionCompiler = conditionCompiler
    }

    /// Compiles `text` (or the named template it names) with `options`.
    public func compile(_ text: String, at range: SourceRange, options: TemplateOptions,
                        allowNamed: Bool = true) throws(ConfigError) -> Template {
        var opts = options
        var source = text
        if allowNamed, let n = named[text] {
            source = n.text
            opts.escape = opts.escape || n.escape
        }
        do {
            return try Template(source, options: opts, conditionCompiler: conditionCompiler)
        } catch {
            throw errors.error("Error compiling template: \(error)", at: range)
        }
    }

    /// Reads the `template(…)`, `template-escape()`, `ts-format()`, `frac-digits()` and
    /// `time-zone()`/`send-time-zone()` options of a driver; falls back to `defaultText`.
    public func driverTemplate(_ reader: OptionReader, globals: GlobalOptions,
                               defaultText: String) throws(ConfigError) -> Template {
        var opts = globals.templateOptions
        if let e = try reader.bool("template-escape") { opts.escape = e }
        if let f = try reader.string("ts-format") {
            guard let tf = TimestampFormat(name: f) else {
                throw errors.error("Unknown ts-format '\(f)'", at: reader.node.range)
            }
            opts.tsFormat = tf
        }
        if let d = try reader.int("frac-digits") { opts.fracDigits = d }
        for name in ["time-zone", "send-time-zone"] {
            if let o = reader.take(name) {
                let tz = try OptionReader.string(o, errors: errors)
                guard let off = TimeZoneParser.offset(tz) else {
                    throw errors.error("Unknown time zone '\(tz)'", at: o.range)
                }
                opts.timeZone = off
            }
        }
        if let t = reader.take("template") {
            let (v, r) = try OptionReader.single(t, errors: errors)
            return try compile(v.text, at: r, options: opts)
        }
        return try compile(defaultText, at: reader.node.range, options: opts, allowNamed: false)
    }
}

/// Parses `+01:00`, `-0530`, `UTC`, `GMT`, `Z` into an offset in seconds. (Olson names other
/// than UTC are not supported yet.)
public enum TimeZoneParser {
    public static func offset(_ text: String) -> Int32? {
        let t = text.trimmingSpaces
        switch t.uppercased() {
        case "UTC", "GMT", "Z", "ETC/UTC", "UCT": return 0
        default: break
        }
        var bytes = Array(t.utf8)
        guard let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        bytes.removeFirst()
        bytes.removeAll { $0 == UInt8(ascii: ":") }
        guard bytes.count == 4, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let d = bytes.map { Int32($0) - 48 }
        let secs = (d[0] * 10 + d[1]) * 3600 + (d[2] * 10 + d[3]) * 60
        return sign == UInt8(ascii: "-") ? -secs : secs
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
