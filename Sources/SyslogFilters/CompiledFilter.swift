import SyslogMessage

/// A filter expression compiled by ``FilterCompiler``: decides whether a message passes.
///
/// Compiled filters are immutable and may be evaluated from several threads at once.
public struct CompiledFilter: Sendable {
    let root: FilterNode

    init(root: FilterNode) {
        self.root = root
    }

    /// Whether `msg` passes the filter. `and`/`or`/`not` short-circuit left to right.
    public func matches(_ msg: LogMessage) -> Bool {
        root.evaluate(msg)
    }
}
