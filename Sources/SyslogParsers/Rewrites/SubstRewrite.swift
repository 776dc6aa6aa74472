import SyslogConfig
import SyslogCore
import SyslogFilters
import SyslogMessage
import SyslogTemplates

/// `subst("PATTERN" "REPLACEMENT" value("NAME") type(string|pcre|posix) flags(global ignore-case))`:
/// replaces the first (with `global`, every) match in the value. `type(string)` matches the
/// whole value unless `flags(substring)` or `flags(prefix)`, as in syslog-ng. The replacement is a
/// template; with a regular expression `$0`…`$9` (and named groups) are the match's groups.
/// `value()` defaults to `MESSAGE`, `type()` to `pcre` (`posix` is read as `pcre`); `glob` is
/// refused, as syslog-ng refuses it.
final class SubstRewrite: MessageParser, @unchecked Sendable {
    // Invariant for @unchecked Sendable: everything is immutable; PCRERegex is thread-safe.
    enum LiteralMode: Sendable { case whole, prefix, substring }

    enum Matcher {
        /// `type(string)`: the whole value (syslog-ng's default), or with `flags(prefix)` its
        /// start, with `flags(substring)` anywhere.
        case literal([UInt8], caseless: Bool, mode: LiteralMode)
        case regex(PCRERegex, groups: [(Int, NVHandle)])
    }

    let matcher: Matcher
    let replacement: Template
    let handle: NVHandle
    let global: Bool
    static let numbered = Array(MatchesRewrite.handles.prefix(10))

    init(matcher: Matcher, replacement: Template, handle: NVHandle, global: Bool) {
        self.matcher = matcher
        self.replacement = replacement
        self.handle = handle
        self.global = global
    }

    func parse(_ msg: LogMessage) -> Bool {
        guard let current = msg[handle] else { return true }
        var subject: [UInt8] = []
        current.append(to: &subject)
        var out: [UInt8] = []
        var changed = false
        subject.withUnsafeBufferPointer { b in
            var pos = 0
            while pos <= b.count {
                guard let (range, groups) = find(in: b, from: pos) else { break }
                out.append(contentsOf: b[pos..<range.lowerBound])
                if let groups {
                    for (g, h) in groups {
                        msg[h] = g.1.map { LogValue.string(buffer: UnsafeBufferPointer(rebasing: b[$0])) } ?? .string("")
                    }
                }
                var ctx = TemplateRenderContext()
                replacement.render(msg, into: &out, context: &ctx)
                changed = true
                if range.isEmpty {
                    if range.lowerBound < b.count { out.append(b[range.lowerBound]) }
                    pos = range.lowerBound + 1
                } else {
                    pos = range.upperBound
                }
                if !global { break }
            }
            if pos < b.count { out.append(contentsOf: b[pos...]) }
        }
        if changed { msg[handle] = LogValue.string(bytes: out) }
        return true
    }

    /// The next match at or after `from` and, for a regex, each group (number and range) with its handle.
    private func find(in b: UnsafeBufferPointer<UInt8>, from: Int)
        -> (Range<Int>, [((Int, Range<Int>?), NVHandle)]?)? {
        switch matcher {
        case .literal(let needle, let caseless, let mode):
            guard !needle.isEmpty, from + needle.count <= b.count else { return nil }
            if mode == .whole && (from != 0 || needle.count != b.count) { return nil }
            if mode == .prefix && from != 0 { return nil }
            var i = from
            let last = mode == .substring ? b.count - needle.count : from
            while i <= last {
                var ok = true
                for k in 0..<needle.count {
                    var c = b[i + k], d = needle[k]
                    if caseless {
                        if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                        if d >= 0x41 && d <= 0x5A { d |= 0x20 }
                    }
                    if c != d { ok = false; break }
                }
                if ok { return (i..<(i + needle.count), nil) }
                i += 1
            }
            return nil
        case .regex(let re, let named):
            guard from <= b.count, let ranges = re.groups(in: b, from: from), let whole = ranges.first ?? nil else { return nil }
            var groups: [((Int, Range<Int>?), NVHandle)] = []
            for (g, r) in ranges.enumerated() where g < SubstRewrite.numbered.count {
                groups.append(((g, r), SubstRewrite.numbered[g]))
            }
            for (g, h) in named where g < ranges.count { groups.append(((g, ranges[g]), h)) }
            return (whole, groups)
        }
    }

    static func make(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> SubstRewrite {
        let args = reader.takePositionals()
        guard args.count == 2 else {
            throw ctx.errors.error("subst() takes a pattern and a replacement: subst(\"PATTERN\", \"REPLACEMENT\" value(\"NAME\"))",
                                   at: reader.node.range)
        }
        let handle = try ParserDrivers.writableValue(reader, ctx) ?? .message
        let type = (try reader.string("type") ?? "pcre").lowercased()
        let flags = Set((try reader.strings("flags") ?? []).map { $0.dashed })
        for f in flags where !["global", "ignore-case", "utf8", "unicode", "nobackref", "store-matches", "substring", "prefix"].contains(f) {
            throw ctx.errors.error("Unknown subst() flag '\(f)'", at: reader.node.range)
        }
        let replacement = try ctx.templates.compile(args[1].0, at: args[1].1, options: ctx.globals.templateOptions, allowNamed: false)
        let matcher: Matcher
        switch type {
        case "string":
            let mode: LiteralMode = flags.contains("substring") ? .substring : flags.contains("prefix") ? .prefix : .whole
            matcher = .literal(Array(args[0].0.utf8), caseless: flags.contains("ignore-case"), mode: mode)
        case "glob":
            throw ctx.errors.error("subst() cannot replace with type(glob): a glob matches whole values only; use string or pcre",
                                   at: reader.node.range)
        case "pcre", "posix":
            let pattern = args[0].0
            do throws(FilterError) {
                let re = try PCRERegex(pattern, caseless: flags.contains("ignore-case"),
                                       utf: flags.contains("utf8") || flags.contains("unicode"), ucp: flags.contains("unicode"), jit: true)
                matcher = .regex(re, groups: re.namedGroups.map { ($0.0, NameRegistry.shared.handle(for: $0.1)) })
            } catch {
                throw ctx.errors.error("Error compiling subst() pattern: \(error.message)", at: args[0].1)
            }
        default:
            throw ctx.errors.error("Unknown subst() type '\(type)'; use string, pcre, posix or glob", at: reader.node.range)
        }
        return SubstRewrite(matcher: matcher, replacement: replacement, handle: handle, global: flags.contains("global"))
    }
}
