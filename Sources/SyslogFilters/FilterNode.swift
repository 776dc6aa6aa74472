import SyslogMessage

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
        }
    }
}
