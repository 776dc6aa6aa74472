import SyslogConfig
import SyslogTemplates

/// Everything a driver factory may need while the configuration is built.
public struct BuildContext {
    public let globals: GlobalOptions
    public let errors: ConfigErrorFactory
    /// The enclosing `source`/`destination` statement name.
    public let statementName: String
    /// Resolves `template(…)` options: a named template or template text.
    public let templates: TemplateResolver
}

/// Makes a source driver from its config node.
public typealias SourceFactory = (OptionReader, BuildContext) throws(ConfigError) -> any SourceDriver
/// Makes a destination spec from its config node.
public typealias DestinationFactory = (OptionReader, BuildContext) throws(ConfigError) -> DestinationSpec

/// The drivers the daemon knows, by config name.
public final class DriverRegistry {
    public private(set) var sources: [String: SourceFactory] = [:]
    public private(set) var destinations: [String: DestinationFactory] = [:]
    /// Runs before a configuration is built (e.g. a fresh Python main module per config).
    public private(set) var willBuild: [(ConfigFile) throws(ConfigError) -> Void] = []
    /// Handlers of raw top-level blocks by keyword (`python { … };`).
    public private(set) var blockHandlers: [String: (String, SourceRange, ConfigErrorFactory) throws(ConfigError) -> Void] = [:]

    public func registerWillBuild(_ hook: @escaping (ConfigFile) throws(ConfigError) -> Void) {
        willBuild.append(hook)
    }

    public func registerBlock(_ keyword: String,
                              _ handler: @escaping (String, SourceRange, ConfigErrorFactory) throws(ConfigError) -> Void) {
        blockHandlers[keyword] = handler
    }

    public init() {}

    public func registerSource(_ name: String, _ factory: @escaping SourceFactory) {
        sources[name] = factory
    }

    public func registerDestination(_ name: String, _ factory: @escaping DestinationFactory) {
        destinations[name] = factory
    }
}
