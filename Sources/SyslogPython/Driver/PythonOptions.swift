import SyslogConfig
import SyslogCore

/// A typed value of `options()` (spec §2.5).
enum PythonOptionValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case list([String])
    /// `LogTemplate("…")`: a `syslogng.LogTemplate` object.
    case template(String)

    /// Reads `options("k" "v" "n" => 5 "l" => ["a","b"] …)` blocks, in order; keys with `-`
    /// become `_`.
    static func read(_ nodes: [OptionNode], errors: ConfigErrorFactory) throws(ConfigError) -> [(String, PythonOptionValue)] {
        var out: [(String, PythonOptionValue)] = []
        for node in nodes {
            var pendingKey: (String, SourceRange)?
            for arg in node.arguments {
                switch arg {
                case .keyValue(let key, let value, let r):
                    if let (k, kr) = pendingKey { throw errors.error("options(): key '\(k)' has no value", at: kr) }
                    out.append((normalize(key), try convert(value, r, errors)))
                case .value(let v, let r):
                    if let (k, _) = pendingKey {
                        out.append((normalize(k), try convert(.value(v, r), r, errors)))
                        pendingKey = nil
                    } else {
                        pendingKey = (v.text, r)
                    }
                case .list(_, let r), .range(_, _, let r):
                    guard let (k, _) = pendingKey else {
                        throw errors.error("options(): expected a key before this value", at: r)
                    }
                    out.append((normalize(k), try convert(arg, r, errors)))
                    pendingKey = nil
                case .option(let o):
                    guard let (k, _) = pendingKey, o.rawName == "LogTemplate" else {
                        throw errors.error("options(): unsupported value '\(o.rawName)(…)'", at: o.range)
                    }
                    out.append((normalize(k), try convert(arg, o.range, errors)))
                    pendingKey = nil
                case .filter(_, let r):
                    throw errors.error("options(): unexpected filter expression", at: r)
                }
            }
            if let (k, kr) = pendingKey { throw errors.error("options(): key '\(k)' has no value", at: kr) }
        }
        return out
    }

    static func normalize(_ key: String) -> String { key.replacingDashes }

    private static func convert(_ arg: ConfigArgument, _ r: SourceRange,
                                _ errors: ConfigErrorFactory) throws(ConfigError) -> PythonOptionValue {
        switch arg {
        case .value(let v, _):
            switch v {
            case .string(let s): return .string(s)
            case .number(let n): return .int(n)
            case .float(let d): return .float(d)
            case .identifier(let s):
                switch s {
                case "yes", "on", "True", "true": return .bool(true)
                case "no", "off", "False", "false": return .bool(false)
                default: return .string(s)
                }
            }
        case .list(let items, let lr):
            var strings: [String] = []
            for i in items {
                guard case .value(let v, _) = i else { throw errors.error("options(): lists hold strings only", at: lr) }
                strings.append(v.text)
            }
            return .list(strings)
        case .option(let o) where o.rawName == "LogTemplate":
            let texts = o.values
            guard o.arguments.count <= 1, texts.count == o.arguments.count else {
                throw errors.error("LogTemplate() takes one template string", at: o.range)
            }
            return .template(texts.first?.text ?? "")
        default:
            throw errors.error("options(): unsupported value", at: r)
        }
    }
}

extension String {
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}

/// Message-format flags of `flags()` and the `self.flags` dict (spec §2.6).
struct PythonSourceFlags: Sendable {
    static let known: Set<String> = [
        "no-parse", "check-hostname", "syslog-protocol", "assume-utf8", "validate-utf8", "sanitize-utf8",
        "no-multi-line", "store-legacy-msghdr", "dont-store-legacy-msghdr", "store-raw-message",
        "expect-hostname", "no-hostname", "guess-timezone", "no-header", "no-rfc3164-fallback",
        "piggyback-errors", "no-piggyback-errors", "check-program",
    ]
    var set: Set<String> = ["expect-hostname", "store-legacy-msghdr", "piggyback-errors", "syslog-protocol"]

    init(_ given: [String]) {
        for f in given {
            set.insert(f)
            if f == "dont-store-legacy-msghdr" { set.remove("store-legacy-msghdr") }
            if f == "no-hostname" { set.remove("expect-hostname") }
            if f == "no-piggyback-errors" { set.remove("piggyback-errors") }
        }
    }

    /// The 13 keys of `self.flags`.
    var dictionary: [(String, Bool)] {
        [("parse", !set.contains("no-parse")), ("check-hostname", set.contains("check-hostname")),
         ("syslog-protocol", set.contains("syslog-protocol")), ("assume-utf8", set.contains("assume-utf8")),
         ("validate-utf8", set.contains("validate-utf8")), ("sanitize-utf8", set.contains("sanitize-utf8")),
         ("multi-line", !set.contains("no-multi-line")), ("store-legacy-msghdr", set.contains("store-legacy-msghdr")),
         ("store-raw-message", set.contains("store-raw-message")), ("expect-hostname", set.contains("expect-hostname")),
         ("guess-timezone", set.contains("guess-timezone")), ("header", !set.contains("no-header")),
         ("rfc3164-fallback", !set.contains("no-rfc3164-fallback"))]
    }
}
