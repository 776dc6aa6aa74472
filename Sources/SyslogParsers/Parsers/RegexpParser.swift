import SyslogConfig
import SyslogCore
import SyslogFilters
import SyslogMessage

/// `regexp-parser(patterns("…" …) prefix() template() flags())`: the first pattern that matches
/// (PCRE2) sets its named groups (`(?<name>…)`), with `prefix()`, as string values. No
/// pattern matching drops the message from the path, as syslog-ng does.
final class RegexpParser: MessageParser {
    struct Pattern: @unchecked Sendable {
        // Invariant for @unchecked Sendable: PCRERegex is immutable and thread-safe.
        let regex: PCRERegex
        let groups: [(Int, NVHandle)]
    }

    let input: ParserInput
    let patterns: [Pattern]

    init(input: ParserInput, patterns: [Pattern]) {
        self.input = input
        self.patterns = patterns
    }

    func parse(_ msg: LogMessage) -> Bool {
        let found: [(NVHandle, LogValue)]? = input.withBytes(msg) { b in
            for p in patterns {
                guard let ranges = p.regex.groups(in: b) else { continue }
                return p.groups.compactMap { (g, h) in
                    guard g < ranges.count, let r = ranges[g] else { return nil }
                    return (h, LogValue.string(buffer: UnsafeBufferPointer(rebasing: b[r])))
                }
            }
            return nil
        }
        guard let found else { return false }
        for (h, v) in found { msg[h] = v }
        return true
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("regexp-parser") { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let prefix = try reader.string("prefix") ?? ""
            let flags = Set((try reader.strings("flags") ?? []).map { $0.dashed })
            for f in flags where !["ignore-case", "utf8", "unicode", "store-matches", "pcre", "global", "dupnames"].contains(f) {
                throw ctx.errors.error("Unknown regexp-parser() flag '\(f)'", at: reader.node.range)
            }
            guard let o = reader.take("patterns") else {
                throw ctx.errors.error("regexp-parser() requires patterns()", at: reader.node.range)
            }
            let texts = try OptionReader.strings(o, errors: ctx.errors)
            var patterns: [Pattern] = []
            for text in texts {
                let re: PCRERegex
                do throws(FilterError) {
                    re = try PCRERegex(text, caseless: flags.contains("ignore-case"),
                                       utf: flags.contains("utf8") || flags.contains("unicode"),
                                       ucp: flags.contains("unicode"), jit: true)
                } catch {
                    throw ctx.errors.error("Error compiling regexp-parser() pattern: \(error.message)", at: o.range)
                }
                let groups = re.namedGroups.map { ($0.0, NameRegistry.shared.handle(for: prefix + $0.1)) }
                patterns.append(Pattern(regex: re, groups: groups))
            }
            guard !patterns.isEmpty else {
                throw ctx.errors.error("regexp-parser() requires at least one pattern", at: o.range)
            }
            return RegexpParser(input: input, patterns: patterns)
        }
    }
}
