import SyslogMessage
import SyslogConfig

/// A parser driver in a log path (`parser p { python(…); };`): changes the message it is given
/// (the path's own copy) or drops it from the path.
///
/// - Note: `parse` runs on the thread that routes the message (the source's), possibly on
///   several source threads at once.
public protocol MessageParser: AnyObject, Sendable {
    /// Parses `msg` in place; false drops the message from this path.
    func parse(_ msg: LogMessage) -> Bool
    /// Prepares when the pipeline initialises (control thread); throwing refuses the configuration.
    func initialize() throws(PipelineInitError)
    /// Undoes ``initialize()`` when the configuration ends (control thread, sources stopped).
    func deinitialize()
}

extension MessageParser {
    public func initialize() throws(PipelineInitError) {}
    public func deinitialize() {}
}

/// Makes a parser from its config node; each reference of a parser in a log path gets its own.
public typealias ParserFactory = (OptionReader, BuildContext) throws(ConfigError) -> any MessageParser

extension LogMessage: MessageAckTarget {
    /// A copy made for a parser forwards its acknowledgement to the message it was copied from.
    public func acknowledge(_ count: Int) {
        for _ in 0..<count { acknowledge() }
    }
}
