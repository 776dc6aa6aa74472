import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `set("TEMPLATE" value("NAME"))`: the value becomes the rendered template (a string).
/// `value()` defaults to `MESSAGE`.
final class SetRewrite: MessageParser {
    let template: Template
    let handle: NVHandle

    init(template: Template, handle: NVHandle) {
        self.template = template
        self.handle = handle
    }

    func parse(_ msg: LogMessage) -> Bool {
        var buf: [UInt8] = []
        var ctx = TemplateRenderContext()
        template.render(msg, into: &buf, context: &ctx)
        msg[handle] = LogValue.string(bytes: buf)
        return true
    }
}

/// `unset(value("NAME"))`, `unset(values("A" "B"))`.
final class UnsetRewrite: MessageParser {
    let handles: [NVHandle]
    init(handles: [NVHandle]) { self.handles = handles }

    func parse(_ msg: LogMessage) -> Bool {
        for h in handles { msg[h] = nil }
        return true
    }
}

/// `groupset("TEMPLATE" values("GLOB" …))`: every value whose name matches a glob becomes the
/// template rendered with `$_` standing for its current value. `groupunset(values(…))` removes
/// them.
final class GroupRewrite: MessageParser {
    let template: Template?
    let globs: [Glob]
    static let current = NameRegistry.shared.handle(for: "_")

    init(template: Template?, globs: [Glob]) {
        self.template = template
        self.globs = globs
    }

    func parse(_ msg: LogMessage) -> Bool {
        let names = msg.entries.map(\.handle).filter { h in
            let name = NameRegistry.shared.name(of: h)
            return globs.contains { $0.matches(name) }
        }
        for h in names {
            guard let template else {
                msg[h] = nil
                continue
            }
            msg[GroupRewrite.current] = msg[h]
            var buf: [UInt8] = []
            var ctx = TemplateRenderContext()
            template.render(msg, into: &buf, context: &ctx)
            msg[h] = LogValue.string(bytes: buf)
        }
        msg[GroupRewrite.current] = nil
        return true
    }
}

/// `set-tag("TAG")`, `clear-tag("TAG")`.
final class TagRewrite: MessageParser {
    let tag: String
    let add: Bool
    init(tag: String, add: Bool) {
        self.tag = tag
        self.add = add
    }

    func parse(_ msg: LogMessage) -> Bool {
        if add { if !msg.hasTag(tag) { msg.addTag(tag) } } else { msg.removeTag(tag) }
        return true
    }
}

/// `set-pri("TEMPLATE")`, `set-facility("TEMPLATE")`, `set-severity("TEMPLATE")`: the rendered
/// number (or facility/severity name) replaces that part of the PRI; a value that is neither
/// leaves it unchanged.
final class PriorityRewrite: MessageParser {
    enum Part: Sendable { case pri, facility, severity }
    let template: Template
    let part: Part

    init(template: Template, part: Part) {
        self.template = template
        self.part = part
    }

    func parse(_ msg: LogMessage) -> Bool {
        let text = template.render(msg).trimmingCharacters(in: " \t")
        switch part {
        case .pri:
            if let v = Int(text), v >= 0, v < 1024 { msg.pri = UInt16(v) }
        case .facility:
            if let f = Int(text).flatMap({ $0 >= 0 && $0 < 128 ? $0 : nil }) ?? SyslogPriority.facility(named: text) {
                msg.pri = UInt16(f << 3) | (msg.pri & 7)
            }
        case .severity:
            if let s = Int(text).flatMap({ $0 >= 0 && $0 < 8 ? $0 : nil }) ?? SyslogPriority.severity(named: text) {
                msg.pri = (msg.pri & ~7) | UInt16(s)
            }
        }
        return true
    }
}

/// `set-matches("A;B;…")`: `$1`, `$2`, … from the `;`-separated rendered template;
/// `unset-matches()` removes `$0`…`$255`.
final class MatchesRewrite: MessageParser {
    let template: Template?
    static let handles = (0...255).map { NameRegistry.shared.handle(for: String($0)) }

    init(template: Template?) { self.template = template }

    func parse(_ msg: LogMessage) -> Bool {
        for h in MatchesRewrite.handles where msg[h] != nil { msg[h] = nil }
        guard let template else { return true }
        let parts = template.render(msg).split(separator: ";", omittingEmptySubsequences: false)
        for (i, p) in parts.prefix(255).enumerated() { msg[MatchesRewrite.handles[i + 1]] = .string(String(p)) }
        return true
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
