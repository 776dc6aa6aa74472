import SyslogFilters
import SyslogMessage
import SyslogTemplates

/// A compiled `log { … };` statement.
public final class LogPath: Sendable {
    public enum Element: Sendable {
        case filter(CompiledFilter)
        /// A parser: changes the path's own copy of the message, or drops it from the path.
        case parser(any MessageParser)
        /// Index into ``Pipeline/destinations``.
        case destination(Int)
        /// A destination with `workers(N)`: each message goes to one of its workers.
        case workers(WorkerSet)
        /// Consecutive embedded `log { … };` statements, routed as siblings.
        case group([LogPath])
    }

    public let elements: [Element]
    /// Indices of the source statements this (top-level) path takes messages from.
    public let sources: Set<Int>
    public let isFinal: Bool
    public let isFallback: Bool
    public let isCatchall: Bool
    /// Destinations of this path (and embedded ones) acknowledge only after writing.
    public let flowControl: Bool

    public init(elements: [Element], sources: Set<Int>, isFinal: Bool, isFallback: Bool,
                isCatchall: Bool, flowControl: Bool) {
        self.elements = elements
        self.sources = sources
        self.isFinal = isFinal
        self.isFallback = isFallback
        self.isCatchall = isCatchall
        self.flowControl = flowControl
    }

    /// Whether a message from `sourceIndex` can reach a flow-controlled destination here.
    func hasFlowControl(sourceIndex: Int?, inherited: Bool) -> Bool {
        if let s = sourceIndex, !isCatchall, !sources.contains(s) { return false }
        let fc = inherited || flowControl
        for el in elements {
            switch el {
            case .destination, .workers: if fc { return true }
            case .group(let children):
                if children.contains(where: { $0.hasFlowControl(sourceIndex: nil, inherited: fc) }) { return true }
            case .filter, .parser: continue
            }
        }
        return false
    }

    /// Runs the message through this path. Returns whether it matched (got past every filter).
    @inline(__always)
    /// - Parameter exclusive: no other path sees `original` and nothing holds it yet: parsers
    ///   before the first destination change it in place instead of a copy.
    func process(_ original: LogMessage, flowControl inherited: Bool, exclusive: Bool = false,
                 into producers: [QueueProducer]) -> Bool {
        let fc = inherited || flowControl
        var msg = original
        // Whether `msg` is this path's own to change (no destination has it yet).
        var owned = exclusive
        // Copies made for parsers, each holding the one it was copied from until it is done.
        var held: [LogMessage] = []
        defer { for c in held { c.acknowledge() } }
        for el in elements {
            switch el {
            case .filter(let f):
                if f.storesMatches && !owned {
                    msg = LogPath.writableCopy(of: msg, flowControl: fc, held: &held)
                    owned = true
                }
                if !f.matches(msg) { return false }
            case .parser(let p):
                // The path changes a copy of its own: earlier paths and destinations keep theirs.
                if !owned {
                    msg = LogPath.writableCopy(of: msg, flowControl: fc, held: &held)
                    owned = true
                }
                if !p.parse(msg) { return false }
            case .destination(let d):
                if fc { msg.retainAck() }
                producers[d].push(QueuedMessage(msg, flowControlled: fc))
                owned = false
            case .workers(let w):
                if fc { msg.retainAck() }
                producers[w.pick(msg, producers)].push(QueuedMessage(msg, flowControlled: fc))
                owned = false
            case .group(let children):
                _ = LogPath.route(children, msg, sourceIndex: nil, flowControl: fc, into: producers)
                owned = false
            }
        }
        return true
    }

    /// A copy of `msg` this path may change; with flow control it holds `msg` (acknowledged
    /// when the copy is) and is kept in `held` until the path is done with it.
    @inline(__always)
    static func writableCopy(of msg: LogMessage, flowControl: Bool, held: inout [LogMessage]) -> LogMessage {
        let copy = msg.clone()
        if flowControl {
            msg.retainAck()
            copy.ackTarget = msg
            copy.retainAck()
            held.append(copy)
        }
        return copy
    }

    /// The parsers of this path and its embedded ones.
    var parsers: [any MessageParser] {
        elements.flatMap { el -> [any MessageParser] in
            switch el {
            case .parser(let p): return [p]
            case .group(let children): return children.flatMap(\.parsers)
            default: return []
            }
        }
    }

    /// The destinations every message of `sourceIndex` goes to, in order, with whether each is
    /// flow-controlled; nil when a path filters or nests (then ``route`` must run per message).
    static func directTargets(_ paths: [LogPath], sourceIndex: Int) -> [(destination: Int, flowControl: Bool)]? {
        let relevant = paths.filter { $0.isCatchall || $0.sources.contains(sourceIndex) }
        var targets: [(destination: Int, flowControl: Bool)] = []
        for p in relevant {
            for el in p.elements {
                guard case .destination = el else { return nil }
            }
        }
        // Without filters every ordinary path matches, so fallback paths only matter when
        // there is no ordinary one.
        let ordinary = relevant.filter { !$0.isFallback }
        for p in ordinary.isEmpty ? relevant : ordinary {
            for case .destination(let d) in p.elements { targets.append((d, p.flowControl)) }
            if p.isFinal { break }
        }
        return targets
    }

    /// How many of `paths` take messages of `sourceIndex`, a fallback path counting twice (it
    /// is there besides whatever else takes them).
    static func takers(_ paths: [LogPath], sourceIndex: Int) -> Int {
        var n = 0
        for p in paths where p.isFallback || p.isCatchall || p.sources.contains(sourceIndex) { n += p.isFallback ? 2 : 1 }
        return n
    }

    /// Routes through sibling paths: in order, stopping after a matching `final` one; the
    /// `fallback` ones only get messages no other sibling matched.
    ///
    /// - Parameter exclusive: only one of `paths` takes the message and nothing else holds it:
    ///   that path's parsers need no copy (``Pipeline`` works it out once per source).
    static func route(_ paths: [LogPath], _ msg: LogMessage, sourceIndex: Int?, flowControl: Bool,
                      exclusive: Bool = false, into producers: [QueueProducer]) -> Bool {
        var matched = false
        var hasFallback = false
        for p in paths {
            if p.isFallback { hasFallback = true; continue }
            if let s = sourceIndex, !p.isCatchall, !p.sources.contains(s) { continue }
            if p.process(msg, flowControl: flowControl, exclusive: exclusive, into: producers) {
                matched = true
                if p.isFinal { return true }
            }
        }
        if !matched && hasFallback {
            for p in paths where p.isFallback {
                if let s = sourceIndex, !p.isCatchall, !p.sources.contains(s) { continue }
                if p.process(msg, flowControl: flowControl, into: producers) {
                    matched = true
                    if p.isFinal { return true }
                }
            }
        }
        return matched
    }
}

/// The workers of a `workers(N)` destination: consecutive indices into ``Pipeline/destinations``.
public struct WorkerSet: Sendable {
    public let first: Int
    public let count: Int
    /// `worker-partition-key()`; nil: in turn.
    public let key: Template?

    public init(first: Int, count: Int, key: Template?) {
        self.first = first
        self.count = count
        self.key = key
    }

    /// The destination index for `msg`: by the hash of its partition key, or the next worker in
    /// turn for this source thread (the counter lives in the first worker's producer, which only
    /// this thread uses).
    @inline(__always)
    func pick(_ msg: LogMessage, _ producers: [QueueProducer]) -> Int {
        guard let key else {
            let p = producers[first]
            let i = p.nextWorker
            p.nextWorker = i + 1 == count ? 0 : i + 1
            return first + i
        }
        return first + Int(WorkerSet.hash(key.render(msg)) % UInt64(count))
    }

    /// FNV-1a of the key's UTF-8 bytes: the same key goes to the same worker in every run.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }
}
