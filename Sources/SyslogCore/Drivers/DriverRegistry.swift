import SyslogConfig
import SyslogTemplates
import SyslogFilters

/// Everything a driver factory may need while the configuration is built.
public struct BuildContext {
    public let globals: GlobalOptions
    public let errors: ConfigErrorFactory
    /// The enclosing `source`/`destination` statement name.
    public let statementName: String
    /// Resolves `template(…)` options: a named template or template text.
    public let templates: TemplateResolver
    /// syslog-ng's id of the driver: `<statement name>#<index in the statement>`, e.g. `s#0`
    /// (the `driver` of its log messages).
    public let driverID: String
    /// State of this one build that registrations share (e.g. the Python main module).
    public let state: BuildState
    /// For a source driver: the options every source takes, read before the driver's own
    /// (`flags()` among them: drivers use `sourceOptions.flags`, nobody parses it again).
    public var sourceOptions = SourceOptions()
    /// The configuration's `@version:` (nil when it has none).
    public var configVersion: String? = nil
    /// Compiles a filter expression (`condition()` of rewrite rules), named filters resolved.
    public var compileFilter: ((FilterExpr, SourceRange) throws(ConfigError) -> CompiledFilter)? = nil

    /// True for `@version:` below 4.0: Python parsers and destinations run in syslog-ng's
    /// compatibility mode (plain classes, values as bytes).
    public var isCompatibilityMode: Bool {
        guard let v = configVersion, let major = Int(v.split(separator: ".").first ?? "") else { return false }
        return major < 4
    }
}

/// Per-build storage for registrations: each plugin keeps one object of its own type here
/// instead of in globals, so two builds (a reload and its revert) never see each other's.
public final class BuildState {
    private var values: [ObjectIdentifier: AnyObject] = [:]

    public init() {}

    /// The plugin's object of type `T`, made by `make` on first use in this build.
    public func value<T: AnyObject>(_ type: T.Type = T.self, _ make: () -> T) -> T {
        if let v = values[ObjectIdentifier(type)] as? T { return v }
        let v = make()
        values[ObjectIdentifier(type)] = v
        return v
    }
}

/// Reads a source driver's option block into its configuration value.
public typealias SourceFactory = (OptionReader, BuildContext) throws(ConfigError) -> any SourceDriverConfig
/// Makes a destination spec from its config node.
public typealias DestinationFactory = (OptionReader, BuildContext) throws(ConfigError) -> DestinationSpec

/// Reads a source that stands for several drivers (`system()`, `default-network-drivers()`)
/// into the driver calls it means, each read as if it were written in the statement.
public typealias SourceGroupFactory = (OptionReader, BuildContext) throws(ConfigError) -> [OptionNode]

/// The drivers the daemon knows, by config name.
public final class DriverRegistry {
    public private(set) var sources: [String: SourceFactory] = [:]
    public private(set) var sourceGroups: [String: SourceGroupFactory] = [:]
    public private(set) var destinations: [String: DestinationFactory] = [:]
    public private(set) var parsers: [String: ParserFactory] = [:]
    /// Rewrite rules (`rewrite { set(…); subst(…); };`): message parsers that never drop.
    public private(set) var rewrites: [String: ParserFactory] = [:]
    /// Runs before a configuration is built (e.g. a fresh Python main module per config).
    public private(set) var willBuild: [(ConfigFile, BuildState) throws(ConfigError) -> Void] = []
    /// Handlers of raw top-level blocks by keyword (`python { … };`).
    public private(set) var blockHandlers: [String: BlockHandler] = [:]

    /// Handles the text of a raw top-level block (`python { … };`).
    public typealias BlockHandler = (String, SourceRange, ConfigErrorFactory, BuildState) throws(ConfigError) -> Void

    public func registerWillBuild(_ hook: @escaping (ConfigFile, BuildState) throws(ConfigError) -> Void) {
        willBuild.append(hook)
    }

    public func registerBlock(_ keyword: String, _ handler: @escaping BlockHandler) {
        blockHandlers[keyword] = handler
    }

    /// Runs after a configuration started (at start-up, after a reload or a revert) and at exit: drivers
    /// release what they kept for a configuration that did not take it (listening sockets).
    public private(set) var configurationStarted: [() -> Void] = []

    public func registerConfigurationStarted(_ hook: @escaping () -> Void) {
        configurationStarted.append(hook)
    }

    public init() {}

    /// Options a driver accepts for compatibility and ignores, by `kind:name`
    /// (e.g. `source:python`); the builder takes them after the driver's factory ran.
    public private(set) var acceptedOptions: [String: [String]] = [:]

    /// Registers a source driver; `accepting` lists options it accepts and ignores.
    public func registerSource(_ name: String, accepting: [String] = [], _ factory: @escaping SourceFactory) {
        sources[name] = factory
        if !accepting.isEmpty { acceptedOptions["source:" + name] = accepting }
    }

    /// Registers a source that expands into other source drivers (syslog-ng's `system()` and
    /// `default-network-drivers()`): the factory consumes its options and returns the calls.
    public func registerSourceGroup(_ name: String, _ factory: @escaping SourceGroupFactory) {
        sourceGroups[name] = factory
    }

    /// Registers a parser driver; `accepting` lists options it accepts and ignores.
    public func registerParser(_ name: String, accepting: [String] = [], _ factory: @escaping ParserFactory) {
        parsers[name] = factory
        if !accepting.isEmpty { acceptedOptions["parser:" + name] = accepting }
    }

    /// Registers a rewrite rule (`set()`, `subst()`, …); it changes the path's copy of the message.
    public func registerRewrite(_ name: String, accepting: [String] = [], _ factory: @escaping ParserFactory) {
        rewrites[name] = factory
        if !accepting.isEmpty { acceptedOptions["rewrite:" + name] = accepting }
    }

    /// Registers a destination driver; `accepting` lists options it accepts and ignores.
    public func registerDestination(_ name: String, accepting: [String] = [], _ factory: @escaping DestinationFactory) {
        destinations[name] = factory
        if !accepting.isEmpty { acceptedOptions["destination:" + name] = accepting }
    }
}
