import SyslogConfig

/// An error found while compiling a filter expression: an unknown function, severity or
/// facility, a bad regular expression, an undefined or looping `filter()` reference…
public struct FilterError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, e.g. `Unknown severity 'bogus'`.
    public var message: String
    /// Where in the configuration the offending text was written, when known.
    public var range: SourceRange?

    /// An error with `message`, located at `range`.
    public init(_ message: String, range: SourceRange? = nil) {
        self.message = message
        self.range = range
    }

    /// The message followed by `; location='file:line:col-line:col'` when the location is known.
    public var description: String {
        guard let range else { return message }
        return "\(message); location='\(range)'"
    }
}
