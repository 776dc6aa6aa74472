/// The text of every configuration file read, keyed by the path used in ``SourceLocation/file``.
///
/// The loader fills it; later phases use ``error(_:at:)`` to report problems with the same
/// excerpt rendering as syntax errors. Two stores always compare equal, so that comparing
/// ``ConfigFile`` values compares what was parsed, not the text it was parsed from.
public struct ConfigSources: Sendable, Equatable, CustomStringConvertible {
    private var texts: [String: String] = [:]

    /// An empty store.
    public init() {}

    /// Records the text of `path` (replacing what was stored for it).
    public mutating func add(path: String, text: String) {
        texts[path] = text
    }

    /// The text stored for `path`.
    public func text(of path: String) -> String? {
        texts[path]
    }

    /// The paths stored, sorted.
    public var paths: [String] { texts.keys.sorted() }

    /// The rendered context lines for `range` (empty when its file is unknown).
    public func excerpt(for range: SourceRange) -> [String] {
        guard let text = texts[range.start.file] else { return [] }
        return ConfigError.renderExcerpt(lines: ConfigError.splitLines(text), range: range)
    }

    /// An error located at `range`, with the excerpt of its file rendered, e.g.
    /// `sources.error("unknown option 'foo' for destination driver file()", at: node.range)`.
    public func error(_ message: String, at range: SourceRange) -> ConfigError {
        ConfigError(message: message, range: range, excerpt: excerpt(for: range))
    }

    /// Always true: the store is a by-product of parsing, not part of its result.
    public static func == (lhs: ConfigSources, rhs: ConfigSources) -> Bool { true }

    /// A short summary (the paths stored).
    public var description: String { "ConfigSources(\(paths))" }
}
