/// State shared by the lexers of one load: `@define`s, the environment, warnings and every
/// file read. Used from one thread only, during a single `ConfigLoader` call.
final class PreprocessorState {
    /// Values defined by `@define name "value"`.
    var defines: [String: String] = [:]
    let environment: (String) -> String?
    var warnings: [String] = []
    var sources = ConfigSources()
    var files: [String] = []
    var version: String?

    init(environment: @escaping (String) -> String?) {
        self.environment = environment
    }

    /// Records a file that was read.
    func register(path: String, text: String) {
        files.append(path)
        sources.add(path: path, text: text)
    }

    /// The text a backtick reference `` `name` `` stands for: the `@define`d value, else the
    /// environment variable, else an empty string (with a warning).
    func substitution(for name: String, at range: SourceRange) -> String {
        if let value = defines[name] { return value }
        if let value = environment(name) { return value }
        warnings.append("Undefined variable `\(name)`, substituting an empty string, location='\(range)'")
        return ""
    }

    /// A syntax error at `range`, with the excerpt rendered.
    func error(_ message: String, at range: SourceRange) -> ConfigError {
        sources.error(message, at: range)
    }
}
