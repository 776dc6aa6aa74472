import SyslogMessage
import SyslogTemplates

/// The compiled form of a filter expression, evaluated by ``CompiledFilter``.
indirect enum FilterNode: Sendable {
    /// Passes when the message's severity bit is set (bit n = severity n).
    case severity(UInt8)
    /// Passes when the message's facility bit is set (bit n = facility n).
    case facility(UInt32)
    /// Matches the value of one name-value pair (unset values match as "").
    case value(NVHandle, ValueMatcher)
    /// Matches `$MSGHDR$MSG`, as `match()` without `value()` does.
    case headerAndMessage(ValueMatcher)
    /// Passes when `SOURCE` equals one of the names.
    case source([[UInt8]])
    /// Passes when the message has any of the tags.
    case tags([String])
    /// Passes when the sender's IPv4 address is inside the network.
    case netmask(IPv4Network)
    case and(FilterNode, FilterNode)
    case or(FilterNode, FilterNode)
    case not(FilterNode)
    /// `"$A" OP "$B"`: both sides rendered, compared as numbers (`==` …; as text when a side is
    /// not a number) or as strings (`eq` …).
    case compare(Template, Comparison, Template)

    enum Comparison: String, Sendable {
        case numEqual = "==", numNotEqual = "!=", numLess = "<", numLessEqual = "<=", numGreater = ">", numGreaterEqual = ">="
        case equal = "eq", notEqual = "ne", less = "lt", lessEqual = "le", greater = "gt", greaterEqual = "ge"
    }

    /// `text` as an integer when all of it is one (spaces around allowed), else nil.
    static func integer(_ text: String) -> Int64? {
        var t = Substring(text)
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return Int64(t)
    }

    static func compare(_ a: String, _ op: Comparison, _ b: String) -> Bool {
        switch op {
        case .numEqual, .numNotEqual, .numLess, .numLessEqual, .numGreater, .numGreaterEqual:
            // Numbers when both sides are numbers; otherwise the texts are compared.
            guard let x = integer(a), let y = integer(b) else {
                let strings: [Comparison: Comparison] = [.numEqual: .equal, .numNotEqual: .notEqual, .numLess: .less,
                                                         .numLessEqual: .lessEqual, .numGreater: .greater, .numGreaterEqual: .greaterEqual]
                return compare(a, strings[op]!, b)
            }
            switch op {
            case .numEqual: return x == y
            case .numNotEqual: return x != y
            case .numLess: return x < y
            case .numLessEqual: return x <= y
            case .numGreater: return x > y
            default: return x >= y
            }
        case .equal: return a.utf8.elementsEqual(b.utf8)
        case .notEqual: return !a.utf8.elementsEqual(b.utf8)
        case .less: return a.utf8.lexicographicallyPrecedes(b.utf8)
        case .lessEqual: return !b.utf8.lexicographicallyPrecedes(a.utf8)
        case .greater: return b.utf8.lexicographicallyPrecedes(a.utf8)
        case .greaterEqual: return !a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }

    /// Whether evaluating the node may change the message (`flags(store-matches)`).
    var storesMatches: Bool {
        switch self {
        case .value(_, let m), .headerAndMessage(let m): return m.storesMatches
        case .and(let a, let b), .or(let a, let b): return a.storesMatches || b.storesMatches
        case .not(let a): return a.storesMatches
        default: return false
        }
    }

    /// Evaluates the node against `msg`.
    func evaluate(_ msg: LogMessage) -> Bool {
        switch self {
        case .severity(let mask):
            return mask & (1 << UInt8(msg.pri & 7)) != 0
        case .facility(let mask):
            let f = Int(msg.pri >> 3)
            return f < 32 && mask & (1 << UInt32(f)) != 0
        case .value(let handle, let matcher):
            if case .pcreStoring(let re) = matcher {
                guard let groups = MessageBytes.with(msg[handle], { re.captures($0) }) else { return false }
                re.store(groups, in: msg)
                return true
            }
            return MessageBytes.with(msg[handle]) { matcher.matches($0) }
        case .headerAndMessage(let matcher):
            if case .pcreStoring(let re) = matcher {
                guard let groups = MessageBytes.withHeaderAndMessage(msg, { re.captures($0) }) else { return false }
                re.store(groups, in: msg)
                return true
            }
            return MessageBytes.withHeaderAndMessage(msg) { matcher.matches($0) }
        case .source(let names):
            return MessageBytes.with(msg[.source]) { value in
                names.contains { $0.elementsEqual(value) }
            }
        case .tags(let wanted):
            let have = msg.tags
            if have.isEmpty { return false }
            return wanted.contains { have.contains($0) }
        case .netmask(let network):
            return network.contains(msg.sourceAddress)
        case .and(let a, let b):
            return a.evaluate(msg) && b.evaluate(msg)
        case .or(let a, let b):
            return a.evaluate(msg) || b.evaluate(msg)
        case .not(let a):
            return !a.evaluate(msg)
        case .compare(let lhs, let op, let rhs):
            return FilterNode.compare(lhs.render(msg), op, rhs.render(msg))
        }
    }
}
