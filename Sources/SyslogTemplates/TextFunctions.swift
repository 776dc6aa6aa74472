import SyslogMessage

/// The text and list template functions, each as syslog-ng 3.38 renders it (compared with the
/// golden case `Tests/Golden/template-functions`): lengths and offsets count bytes.
///
/// - `$(uppercase T)`, `$(lowercase T)` — Unicode-aware case mapping.
/// - `$(length T)` — bytes.
/// - `$(substr T START [LENGTH])` — bytes from START (negative: from the end), LENGTH bytes
///   (negative: up to that many from the end).
/// - `$(strip T…)` — leading and trailing whitespace removed (arguments joined by spaces).
/// - `$(sanitize T…)` — `/` and control characters become `_`.
/// - `$(replace-delimiter OLD NEW T)` — each character of OLD in T becomes NEW.
/// - `$(list-concat L…)`, `$(list-head L)`, `$(list-tail L)`, `$(list-count L)`,
///   `$(list-nth N L)` (0-based, negative from the end) — syslog-ng lists (comma-separated,
///   quoted where needed).
final class TextFunction: TemplateFunction {
    enum Kind: String, CaseIterable {
        case uppercase, lowercase, length, substr, strip, sanitize
        case replaceDelimiter = "replace-delimiter"
        case listConcat = "list-concat", listHead = "list-head", listTail = "list-tail"
        case listCount = "list-count", listNth = "list-nth"
    }

    let kind: Kind
    let arguments: [Template]

    init(_ kind: Kind, _ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        self.kind = kind
        arguments = try TemplateFunctions.compileArguments(call, options: options, conditionCompiler: conditionCompiler)
        let needed: Int
        switch kind {
        case .substr: needed = 2
        case .replaceDelimiter: needed = 3
        case .listNth: needed = 2
        default: needed = 1
        }
        guard arguments.count >= needed else {
            throw TemplateError("$(\(kind.rawValue)) needs at least \(needed) argument\(needed == 1 ? "" : "s")", offset: call.offset)
        }
        if kind == .substr && arguments.count > 3 {
            throw TemplateError("$(substr) takes a text, a start and a length", offset: call.offset)
        }
    }

    private func text(_ i: Int, _ msg: RenderInput, _ context: inout TemplateRenderContext) -> [UInt8] {
        var buf: [UInt8] = []
        arguments[i].renderNested(msg, into: &buf, context: &context)
        return buf
    }

    /// All arguments joined by spaces.
    private func joined(_ msg: RenderInput, _ context: inout TemplateRenderContext, from: Int = 0) -> [UInt8] {
        var buf: [UInt8] = []
        for i in from..<arguments.count {
            if i > from { buf.append(UInt8(ascii: " ")) }
            arguments[i].renderNested(msg, into: &buf, context: &context)
        }
        return buf
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        switch kind {
        case .uppercase, .lowercase:
            let s = String(decoding: joined(msg, &context), as: UTF8.self)
            out.append(contentsOf: (kind == .uppercase ? s.uppercased() : s.lowercased()).utf8)
        case .length:
            LogValue.appendDecimal(Int64(joined(msg, &context).count), to: &out)
        case .substr:
            let t = text(0, msg, &context)
            guard let start = Int(String(decoding: text(1, msg, &context), as: UTF8.self)) else { return }
            // A start before the beginning or past the end gives nothing, as in syslog-ng.
            let from = start < 0 ? t.count + start : start
            guard from >= 0, from <= t.count else { return }
            var to = t.count
            if arguments.count == 3 {
                guard let len = Int(String(decoding: text(2, msg, &context), as: UTF8.self)) else { return }
                to = len < 0 ? t.count + len : from + len
                to = max(from, min(to, t.count))
            }
            out.append(contentsOf: t[from..<to])
        case .strip:
            var t = joined(msg, &context)[...]
            while let f = t.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D { t = t.dropFirst() }
            while let l = t.last, l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { t = t.dropLast() }
            out.append(contentsOf: t)
        case .sanitize:
            for b in joined(msg, &context) {
                out.append(b == UInt8(ascii: "/") || b < 0x20 || b == 0x7F ? UInt8(ascii: "_") : b)
            }
        case .replaceDelimiter:
            let old = Set(text(0, msg, &context))
            let new = text(1, msg, &context)
            for b in joined(msg, &context, from: 2) {
                if old.contains(b) { out.append(contentsOf: new) } else { out.append(b) }
            }
        case .listConcat:
            var items: [String] = []
            for i in 0..<arguments.count {
                items += ListParser.split(String(decoding: text(i, msg, &context), as: UTF8.self))
            }
            LogValue.appendList(items, to: &out)
        case .listHead:
            if let first = list(0, msg, &context).first { out.append(contentsOf: first.utf8) }
        case .listTail:
            LogValue.appendList(Array(list(0, msg, &context).dropFirst()), to: &out)
        case .listCount:
            LogValue.appendDecimal(Int64(list(0, msg, &context).count), to: &out)
        case .listNth:
            guard let n = Int(String(decoding: text(0, msg, &context), as: UTF8.self)) else { return }
            var items: [String] = []
            for i in 1..<arguments.count { items += ListParser.split(String(decoding: text(i, msg, &context), as: UTF8.self)) }
            let index = n < 0 ? items.count + n : n
            if index >= 0 && index < items.count { out.append(contentsOf: items[index].utf8) }
        }
    }

    private func list(_ i: Int, _ msg: RenderInput, _ context: inout TemplateRenderContext) -> [String] {
        var items: [String] = []
        for k in i..<arguments.count { items += ListParser.split(String(decoding: text(k, msg, &context), as: UTF8.self)) }
        return items
    }
}

/// `$(format-welf …)` and `$(format-flat-json …)`: the pairs `$(format-json …)` selects, as
/// WELF (`name=value` separated by spaces, values with spaces in double quotes, names in
/// ascending order) or as one flat JSON object (dotted names kept, descending order).
final class FlatPairsFunction: TemplateFunction {
    let spec: ValuePairs
    let welf: Bool

    init(welf: Bool, _ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        self.welf = welf
        spec = try ValuePairs(call, options: options, conditionCompiler: conditionCompiler)
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        var items = spec.collect(msg, context: &context)
        items.sort { a, b in
            a.key == b.key ? a.priority < b.priority
                : (welf ? a.key.lexicographicallyPrecedes(b.key) : b.key.lexicographicallyPrecedes(a.key))
        }
        var previous: [UInt8]?
        var first = true
        if !welf { out.append(UInt8(ascii: "{")) }
        for item in items {
            if item.key.isEmpty || item.key == previous { continue }
            previous = item.key
            if !first { out.append(welf ? UInt8(ascii: " ") : UInt8(ascii: ",")) }
            first = false
            if welf {
                out.append(contentsOf: item.key)
                out.append(UInt8(ascii: "="))
                var v: [UInt8] = []
                switch item.value {
                case .text(let t), .raw(let t): v = t
                case .typed(let lv): lv.append(to: &v)
                }
                if v.contains(UInt8(ascii: " ")) {
                    out.append(UInt8(ascii: "\""))
                    for b in v {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                        out.append(b)
                    }
                    out.append(UInt8(ascii: "\""))
                } else {
                    out.append(contentsOf: v)
                }
            } else {
                JSONEncoding.appendString(item.key, to: &out)
                out.append(UInt8(ascii: ":"))
                switch item.value {
                case .text(let t): JSONEncoding.appendString(t, to: &out)
                case .typed(let v): JSONEncoding.appendValue(v, to: &out)
                case .raw(let r): out.append(contentsOf: r)
                }
            }
        }
        if !welf { out.append(UInt8(ascii: "}")) }
    }
}
