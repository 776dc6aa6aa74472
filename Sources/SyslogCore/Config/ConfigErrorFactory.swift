import SyslogConfig

/// Makes configuration errors that point at config text (file:line:col plus an excerpt).
public struct ConfigErrorFactory: Sendable {
    public let sources: ConfigSources

    public init(sources: ConfigSources) { self.sources = sources }

    public func error(_ message: String, at range: SourceRange) -> ConfigError {
        sources.error(message, at: range)
    }
}
