import SyslogConfig
import SyslogMessage

/// `level()`/`priority()`/`severity()` and `facility()` arguments.
extension FilterCompiler {
    /// One written element of a priority list: a name or number, or a `from..to` span.
    enum PriorityItem {
        case single(String, SourceRange)
        case span(String, String, SourceRange)
    }

    /// The severities named by `call` as a bit set (bit n = severity n).
    func severityMask(_ call: OptionNode) throws(FilterError) -> UInt8 {
        let bits = try priorityMask(call, what: "severity", limit: 7) { text in
            if let n = SyslogPriority.severity(named: text) { return n }
            if let n = Int(text), (0...7).contains(n) { return n }
            return nil
        }
        return UInt8(truncatingIfNeeded: bits)
    }

    /// The facilities named by `call` as a bit set (bit n = facility n).
    func facilityMask(_ call: OptionNode) throws(FilterError) -> UInt32 {
        try priorityMask(call, what: "facility", limit: 23) { text in
            if let n = SyslogPriority.facility(named: text) { return n }
            if let n = Int(text), (0...23).contains(n) { return n }
            return nil
        }
    }

    private func priorityMask(_ call: OptionNode, what: String, limit: Int,
                              lookup: (String) -> Int?) throws(FilterError) -> UInt32 {
        var items: [PriorityItem] = []
        try collectPriorityItems(call.arguments, call: call, into: &items)
        if items.isEmpty {
            throw FilterError("\(call.rawName)() requires at least one \(what)", range: call.range)
        }
        var mask: UInt32 = 0
        for item in items {
            switch item {
            case .single(let text, let range):
                guard let n = lookup(text) else {
                    throw FilterError("Unknown \(what) '\(text)'", range: range)
                }
                mask |= 1 << UInt32(n)
            case .span(let fromText, let toText, let range):
                guard let from = lookup(fromText) else {
                    throw FilterError("Unknown \(what) '\(fromText)'", range: range)
                }
                guard let to = lookup(toText) else {
                    throw FilterError("Unknown \(what) '\(toText)'", range: range)
                }
                for n in min(from, to)...max(from, to) where n <= limit {
                    mask |= 1 << UInt32(n)
                }
            }
        }
        return mask
    }

    /// Flattens arguments into items; accepts `a, b`, `a b`, `a..b`, lists, and text such as
    /// `"info,err"` or `"info..err"` in case the lexer left it in one token.
    private func collectPriorityItems(_ arguments: [ConfigArgument], call: OptionNode,
                                      into items: inout [PriorityItem]) throws(FilterError) {
        for arg in arguments {
            switch arg {
            case .value(let value, let range):
                for piece in value.text.split(separator: ",") {
                    let text = trimmed(piece)
                    if text.isEmpty { continue }
                    if let dots = text.firstOccurrence(of: "..") {
                        let from = trimmed(text[..<dots.lowerBound])
                        let to = trimmed(text[dots.upperBound...])
                        items.append(.span(from, to, range))
                    } else {
                        items.append(.single(text, range))
                    }
                }
            case .range(let from, let to, let range):
                items.append(.span(from.text, to.text, range))
            case .list(let inner, _):
                try collectPriorityItems(inner, call: call, into: &items)
            case .option(let option):
                throw FilterError("Unexpected option '\(option.rawName)' in \(call.rawName)()", range: option.range)
            case .keyValue(let key, _, let range):
                throw FilterError("Unexpected argument '\(key)' in \(call.rawName)()", range: range)
            case .filter(_, let range):
                throw FilterError("Unexpected filter expression in \(call.rawName)()", range: range)
            }
        }
    }

    private func trimmed(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    private func trimmed(_ s: String) -> String {
        trimmed(Substring(s))
    }
}
