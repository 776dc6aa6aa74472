import SyslogConfig
import SyslogFilters
import SyslogMessage
import SyslogTemplates

/// Turns a parsed configuration into a ready-to-start ``Pipeline``: resolves names, compiles
/// filters and templates, creates drivers and log paths. Nothing runs until `Pipeline.start()`.
public final class ConfigBuilder {
    let config: ConfigFile
    let registry: DriverRegistry
    let errors: ConfigErrorFactory
    /// Returns the queue to use for a destination persist name (reload keeps queues).
    let queueProvider: (String, Int) -> DestinationQueue

    var globals = GlobalOptions()
    var templates: TemplateResolver!
    var filterCompiler: FilterCompiler!
    var sourceDefs: [String: ([OptionNode], SourceRange)] = [:]
    var destinationDefs: [String: ([OptionNode], SourceRange)] = [:]
    var filterDefs: [String: FilterExpr] = [:]
    var parserDefs: [String: ([OptionNode], SourceRange)] = [:]
    var rewriteDefs: [String: ([OptionNode], SourceRange)] = [:]

    // Built state.
    var sourceIndexByName: [String: Int] = [:]
    var builtSources: [(name: String, drivers: [(driver: any SourceDriver, options: SourceOptions)])] = []
    var destinationElementsByName: [String: [LogPath.Element]] = [:]
    var builtDestinations: [Destination] = []
    var anonymousCount = 0
    /// What registrations keep for this build (see ``BuildState``).
    let buildState = BuildState()

    public init(config: ConfigFile, registry: DriverRegistry,
                queueProvider: @escaping (String, Int) -> DestinationQueue) {
        self.config = config
        self.registry = registry
        self.errors = ConfigErrorFactory(sources: config.sources)
        self.queueProvider = queueProvider
    }

    /// Builds the pipeline or throws the first configuration error.
    public func build() throws(ConfigError) -> Pipeline {
        var namedTemplates: [String: TemplateResolver.Named] = [:]
        var logStatements: [LogStatement] = []
        for hook in registry.willBuild { try hook(config, buildState) }
        // Template functions first: any template may call them.
        var userFunctions: [String: String] = [:]
        for case .templateFunction(let name, let text, let r) in config.statements {
            try checkUnique(name, userFunctions[name] != nil, "template-function", r)
            userFunctions[name] = text
        }
        UserTemplateFunctions.set(userFunctions)
        for st in config.statements {
            switch st {
            case .options(let opts, _):
                try applyGlobalOptions(opts)
            case .source(let name, let drivers, let r):
                try checkUnique(name, sourceDefs[name] != nil, "source", r)
                sourceDefs[name] = (drivers, r)
            case .destination(let name, let drivers, let r):
                try checkUnique(name, destinationDefs[name] != nil, "destination", r)
                destinationDefs[name] = (drivers, r)
            case .filter(let name, let expr, let r):
                try checkUnique(name, filterDefs[name] != nil, "filter", r)
                filterDefs[name] = expr
            case .parser(let name, let drivers, let r):
                try checkUnique(name, parserDefs[name] != nil, "parser", r)
                parserDefs[name] = (drivers, r)
            case .rewrite(let name, let drivers, let r):
                try checkUnique(name, rewriteDefs[name] != nil, "rewrite", r)
                rewriteDefs[name] = (drivers, r)
            case .template(let name, let options, let r):
                try checkUnique(name, namedTemplates[name] != nil, "template", r)
                namedTemplates[name] = try namedTemplate(options, r)
            case .log(let l):
                logStatements.append(l)
            case .templateFunction:
                break
            case .rawBlock(let keyword, let code, let r):
                guard let handler = registry.blockHandlers[keyword] else {
                    throw errors.error("\(keyword) {} blocks are not handled by any plugin", at: r)
                }
                try handler(code, r, errors, buildState)
            }
        }
        let compiler = FilterCompiler(namedFilters: filterDefs)
        filterCompiler = compiler
        let conditionCompiler: @Sendable (String) throws -> @Sendable (LogMessage) -> Bool = { text in
            try ConfigBuilder.compileCondition(text, namedFilters: compiler)
        }
        templates = TemplateResolver(named: namedTemplates, errors: errors, conditionCompiler: conditionCompiler)
        // Check every named template compiles, so errors point at the statement.
        for case .template(let name, _, let r) in config.statements {
            _ = try templates.compile(name, at: r, options: globals.templateOptions)
        }

        var paths: [LogPath] = []
        for l in logStatements {
            paths.append(try buildPath(l, topLevel: true))
        }
        try validateUnreferenced()
        return Pipeline(globals: globals, destinations: builtDestinations, sources: builtSources,
                        paths: paths)
    }

    private func checkUnique(_ name: String, _ exists: Bool, _ kind: String, _ r: SourceRange) throws(ConfigError) {
        if exists { throw errors.error("Duplicate \(kind) name '\(name)'", at: r) }
    }

    private func namedTemplate(_ options: [OptionNode], _ r: SourceRange) throws(ConfigError) -> TemplateResolver.Named {
        var text: String?
        var escape = false
        for o in options {
            switch o.name {
            case "template": text = try OptionReader.string(o, errors: errors)
            case "template-escape": escape = try OptionReader.bool(o, errors: errors)
            default: throw errors.error("Unknown option '\(o.rawName)' for template statement; known options: template, template-escape", at: o.range)
            }
        }
        guard let t = text else { throw errors.error("Template statement has no template() option", at: r) }
        return TemplateResolver.Named(text: t, escape: escape)
    }

    /// Compiles the condition of `$(if (…) …)`: filter expression text.
    static func compileCondition(_ text: String, namedFilters compiler: FilterCompiler) throws -> @Sendable (LogMessage) -> Bool {
        let cfg = try ConfigLoader().parse(text: "filter __template_if { \(text); };", fileName: "<template>")
        guard case .filter(_, let expr, _)? = cfg.statements.first else {
            throw TemplateConditionError(text: text)
        }
        let f = try compiler.compile(expr)
        return { f.matches($0) }
    }
}

/// A `$(if)` condition that is not a filter expression.
struct TemplateConditionError: Error, CustomStringConvertible {
    var text: String
    var description: String { "Invalid filter expression '\(text)'" }
}
