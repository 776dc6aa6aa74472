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

    typealias Item = ValuePairs.Item

    func render(_ msg: RenderInput, into out: inout [UInt8], context: inout TemplateRenderContext) {
        var items = spec.collect(msg, context: &context)
        items.sort { a, b in
            a.key == b.key ? a.priority < b.priority : b.key.lexicographicallyPrecedes(a.key)
        }
        write(items, to: &out)
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

    private static func appendValue(_ value: ValuePairs.Value, to out: inout [UInt8]) {
        switch value {
        case .text(let t): JSONEncoding.appendString(t, to: &out)
        case .typed(let v): JSONEncoding.appendValue(v, to: &out)
        case .raw(let r): out.append(contentsOf: r)
        }
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
            if open.isEmpty, !item.key.dropFirst().contains(UInt8(ascii: ".")) {
                // A flat key at the top level, the common case: no components to compare.
                if needComma[0] { out.append(UInt8(ascii: ",")) }
                needComma[0] = true
                JSONEncoding.appendString(item.key, to: &out)
                out.append(UInt8(ascii: ":"))
                Self.appendValue(item.value, to: &out)
                continue
            }
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
            Self.appendValue(item.value, to: &out)
        }
        for _ in open { out.append(UInt8(ascii: "}")) }
        out.append(UInt8(ascii: "}"))
    }
}
