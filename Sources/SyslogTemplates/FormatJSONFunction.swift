import SyslogMessage

/// `$(format-json …)`: the selected name-value pairs as a compact JSON object.
///
/// Dotted names nest (`a.b` → `{"a":{"b":…}}`), a leading dot becomes `_` (unless
/// `--leave-initial-dot`), keys are written in descending byte order as syslog-ng does, and
/// typed values keep their JSON type.
final class FormatJSONFunction: TemplateFunction {
    let spec: ValuePairs

    init(_ call: FunctionCall, options: TemplateOptions,
         conditionCompiler: Template.ConditionCompiler?) throws(TemplateError) {
        spec = try ValuePairs(call, options: options, conditionCompiler: conditionCompiler)
    }

    /// A selected pair; `priority` decides which of two pairs with one key is kept.
    private struct Item {
        var key: [UInt8]
        var priority: UInt8
        var value: Value
    }

    private enum Value {
        /// Text to encode as a JSON string.
        case text([UInt8])
        /// A typed value.
        case typed(LogValue)
        /// Already encoded JSON.
        case raw([UInt8])
    }

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        var items: [Item] = []
        var scratch: [UInt8] = []
        for pair in spec.pairs {
            scratch.removeAll(keepingCapacity: true)
            if pair.hint == .none, let ref = pair.template.singleReference, case .value(let h) = ref {
                if let v = msg[h] {
                    if spec.omitEmpty, case .string(let s) = v, s.isEmpty { continue }
                    items.append(Item(key: key(pair.name), priority: 0, value: .typed(v)))
                } else if !spec.omitEmpty {
                    items.append(Item(key: key(pair.name), priority: 0, value: .text([])))
                }
                continue
            }
            pair.template.renderNested(msg, into: &scratch, context: &context)
            if spec.omitEmpty && scratch.isEmpty { continue }
            items.append(Item(key: key(pair.name), priority: 0, value: Self.cast(scratch, pair.hint)))
        }
        if spec.considersNV {
            for e in msg.entries {
                let name = NameRegistry.shared.name(of: e.handle)
                guard spec.included(name, default: spec.nvInScope(name)) else { continue }
                if spec.omitEmpty, case .string(let s) = e.value, s.isEmpty { continue }
                items.append(Item(key: key(name), priority: 1, value: .typed(e.value)))
            }
        }
        for (name, ref) in spec.macros {
            scratch.removeAll(keepingCapacity: true)
            MacroRendering.append(ref, msg, options: spec.options, to: &scratch, context: &context)
            if scratch.isEmpty { continue }
            items.append(Item(key: key(name), priority: 2, value: .text(scratch)))
        }
        items.sort { a, b in
            a.key == b.key ? a.priority < b.priority : b.key.lexicographicallyPrecedes(a.key)
        }
        write(items, to: &out)
    }

    private func key(_ name: String) -> [UInt8] {
        var k = Array(name.utf8)
        if !spec.leaveInitialDot, k.first == UInt8(ascii: ".") { k[0] = UInt8(ascii: "_") }
        return k
    }

    /// Applies a `TYPE(…)` hint; text that does not parse as the type stays a string.
    private static func cast(_ text: [UInt8], _ hint: ValuePairs.TypeHint) -> Value {
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

    /// The dot-separated components of a key; a leading dot stays part of the first one.
    private static func components(_ key: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        var i = key.first == UInt8(ascii: ".") ? 1 : 0
        while i < key.count {
            if key[i] == UInt8(ascii: ".") {
                parts.append(key[start..<i])
                start = i + 1
            }
            i += 1
        }
        parts.append(key[start...])
        return parts
    }

    /// Writes the sorted items as nested objects; dotted keys of one prefix are adjacent.
    private func write(_ items: [Item], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var open: [ArraySlice<UInt8>] = []
        var needComma: [Bool] = [false]
        var previous: [UInt8]?
        for item in items {
            if item.key.isEmpty || item.key == previous { continue }
            previous = item.key
            let parts = Self.components(item.key)
            let path = parts.dropLast()
            var common = 0
            while common < open.count && common < path.count && open[common] == path[path.startIndex + common] {
                common += 1
            }
            while open.count > common {
                open.removeLast()
                needComma.removeLast()
                out.append(UInt8(ascii: "}"))
            }
            for comp in path.dropFirst(common) {
                if needComma[needComma.count - 1] { out.append(UInt8(ascii: ",")) }
                needComma[needComma.count - 1] = true
                JSONEncoding.appendString(Array(comp), to: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: "{"))
                open.append(comp)
                needComma.append(false)
            }
            if needComma[needComma.count - 1] { out.append(UInt8(ascii: ",")) }
            needComma[needComma.count - 1] = true
            JSONEncoding.appendString(Array(parts[parts.count - 1]), to: &out)
            out.append(UInt8(ascii: ":"))
            switch item.value {
            case .text(let t): JSONEncoding.appendString(t, to: &out)
            case .typed(let v): JSONEncoding.appendValue(v, to: &out)
            case .raw(let r): out.append(contentsOf: r)
            }
        }
        for _ in open { out.append(UInt8(ascii: "}")) }
        out.append(UInt8(ascii: "}"))
    }
}
