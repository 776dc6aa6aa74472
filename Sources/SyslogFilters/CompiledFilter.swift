import SyslogMessage

/// A filter expression compiled by ``FilterCompiler``: decides whether a message passes.
///
/// Compiled filters are immutable and may be evaluated from several threads at once.
public struct CompiledFilter: Sendable {
    let root: FilterNode

    /// Whether a match stores regexp groups in the message (`flags(store-matches)`): the log
    /// path then gives the filter a copy of its own, as it does a parser.
    public let storesMatches: Bool

    init(root: FilterNode) {
        self.root = root
        self.storesMatches = root.storesMatches
    }

    /// Whether `msg` passes the filter. `and`/`or`/`not` short-circuit left to right.
    public func matches(_ msg: LogMessage) -> Bool {
        root.evaluate(msg)
    }
}
