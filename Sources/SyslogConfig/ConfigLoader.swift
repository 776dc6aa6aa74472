import Glibc

/// Reads a syslog-ng style configuration: preprocesses it (`@version`, `@define`, backtick
/// substitution, `@include`) and parses it into a ``ConfigFile``.
///
/// ```swift
/// let config = try ConfigLoader().load(path: "/etc/syslog-swift/syslog-ng.conf")
/// ```
public struct ConfigLoader: Sendable {
    /// Looks up variables for backtick references that no `@define` defines.
    public var environment: @Sendable (String) -> String?
    /// Top-level keywords whose `{ … }` body is kept as raw text for a plugin (the daemon
    /// passes what its registry handles, e.g. `python`).
    public var rawBlockKeywords: Set<String>

    /// The process environment (getenv(3)).
    public static let processEnvironment: @Sendable (String) -> String? = { name in
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// A loader; `environment` resolves backtick references not `@define`d (default: getenv);
    /// `rawBlocks` are the raw-block keywords (see ``rawBlockKeywords``).
    public init(environment: @escaping @Sendable (String) -> String? = ConfigLoader.processEnvironment,
                rawBlocks: Set<String> = []) {
        self.environment = environment
        self.rawBlockKeywords = rawBlocks
    }

    /// Reads and parses the configuration file at `path` and everything it includes.
    /// An unreadable main file gives an error without a location:
    /// `Error opening configuration file, filename='x', error='No such file or directory'`.
    public func load(path: String) throws(ConfigError) -> ConfigFile {
        switch FileSystem.read(path) {
        case .success(let bytes):
            return try parse(bytes: bytes, fileName: path)
        case .failure(let failure):
            throw ConfigError(message: "Error opening configuration file, filename='\(path)', error='\(failure.text)'")
        }
    }

    /// Parses `text` as if read from `fileName`; relative `@include`s are resolved against the
    /// directory of `fileName`.
    public func parse(text: String, fileName: String) throws(ConfigError) -> ConfigFile {
        try parse(bytes: Array(text.utf8), fileName: fileName)
    }

    private func parse(bytes: [UInt8], fileName: String) throws(ConfigError) -> ConfigFile {
        let state = PreprocessorState(environment: environment)
        state.register(path: fileName, text: String(decoding: bytes, as: UTF8.self))
        var parser = Parser(stream: TokenStream(file: fileName, bytes: bytes, state: state),
                            rawBlockKeywords: rawBlockKeywords)
        let statements = try parser.parseFile()
        var config = ConfigFile(version: state.version, statements: statements, files: state.files)
        config.sources = state.sources
        config.warnings = state.warnings
        return config
    }
}
