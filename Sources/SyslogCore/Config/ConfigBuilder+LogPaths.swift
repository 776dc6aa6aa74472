import SyslogConfig
import SyslogFilters
import SyslogMessage

extension ConfigBuilder {
    /// Builds one `log { … };` statement (and its embedded ones).
    func buildPath(_ l: LogStatement, topLevel: Bool) throws(ConfigError) -> LogPath {
        var elements: [LogPath.Element] = []
        var sources = Set<Int>()
        var pendingGroup: [LogPath] = []
        func flushGroup() {
            if !pendingGroup.isEmpty { elements.append(.group(pendingGroup)); pendingGroup = [] }
        }
        for flag in l.flags {
            switch flag {
            case "final", "fallback", "catchall", "flow-control", "catch-all", "drop-unmatched": break
            default:
                throw errors.error("Unknown log path flag '\(flag)'; known flags: final, fallback, catchall, flow-control", at: l.range)
            }
        }
        for item in l.items {
            if case .log = item {} else { flushGroup() }
            switch item {
            case .sourceRef(let name, let r):
                guard topLevel else { throw errors.error("source() is only supported in top-level log statements", at: r) }
                sources.insert(try sourceIndex(named: name, at: r))
            case .sourceInline(let drivers, let r):
                guard topLevel else { throw errors.error("source() is only supported in top-level log statements", at: r) }
                anonymousCount += 1
                let name = "#anon-source\(anonymousCount)"
                sourceDefs[name] = (drivers, r)
                sources.insert(try sourceIndex(named: name, at: r))
            case .filterRef(let name, let r):
                guard let expr = filterDefs[name] else {
                    throw errors.error("Reference to undefined filter '\(name)'", at: r)
                }
                elements.append(.filter(try compileFilter(expr, at: r)))
            case .filterInline(let expr, let r):
                elements.append(.filter(try compileFilter(expr, at: r)))
            case .parserRef(let name, let r):
                guard let (body, _) = parserDefs[name] else {
                    throw errors.error("Reference to undefined parser '\(name)'", at: r)
                }
                for p in try makeParsers(name, body) { elements.append(.parser(p)) }
            case .parserInline(let body, _):
                anonymousCount += 1
                for p in try makeParsers("#anon-parser\(anonymousCount)", body) { elements.append(.parser(p)) }
            case .rewriteRef(let name, let r):
                guard let (body, _) = rewriteDefs[name] else {
                    throw errors.error("Reference to undefined rewrite '\(name)'", at: r)
                }
                for p in try makeParsers(name, body, kind: "rewrite") { elements.append(.parser(p)) }
            case .rewriteInline(let body, _):
                anonymousCount += 1
                for p in try makeParsers("#anon-rewrite\(anonymousCount)", body, kind: "rewrite") { elements.append(.parser(p)) }
            case .destinationRef(let name, let r):
                elements += try destinationElements(named: name, at: r)
            case .destinationInline(let drivers, let r):
                anonymousCount += 1
                let name = "#anon-destination\(anonymousCount)"
                destinationDefs[name] = (drivers, r)
                elements += try destinationElements(named: name, at: r)
            case .log(let child):
                pendingGroup.append(try buildPath(child, topLevel: false))
            }
        }
        flushGroup()
        let flags = Set(l.flags)
        return LogPath(elements: elements, sources: sources,
                       isFinal: flags.contains("final"), isFallback: flags.contains("fallback"),
                       isCatchall: flags.contains("catchall") || flags.contains("catch-all"),
                       flowControl: flags.contains("flow-control"))
    }

    func compileFilter(_ expr: FilterExpr, at r: SourceRange) throws(ConfigError) -> CompiledFilter {
        do {
            return try filterCompiler.compile(expr)
        } catch {
            throw errors.error(error.message, at: error.range ?? r)
        }
    }

    /// The parser drivers of a `parser` statement: a new instance per reference (as syslog-ng
    /// clones a parser used in several paths).
    /// The parsers (or, with `kind` "rewrite", the rewrite rules) of a statement, in order.
    private func makeParsers(_ name: String, _ body: [OptionNode], kind: String = "parser") throws(ConfigError) -> [any MessageParser] {
        var out: [any MessageParser] = []
        let factories = kind == "rewrite" ? registry.rewrites : registry.parsers
        for (i, node) in body.enumerated() {
            guard let factory = factories[node.name] else {
                let known = factories.keys.sorted().joined(separator: ", ")
                throw errors.error("Unknown \(kind) driver '\(node.rawName)'\(known.isEmpty ? "" : "; known drivers: " + known)", at: node.range)
            }
            let reader = OptionReader(node, kind: kind, errors: errors)
            let parser = try factory(reader, context(name, i))
            for accepted in registry.acceptedOptions[kind + ":" + node.name] ?? [] { _ = reader.takeAll(accepted) }
            try reader.finish(allowPositional: 0)
            out.append(parser)
        }
        return out
    }

    /// The index of a source statement, creating its drivers on first use.
    func sourceIndex(named name: String, at r: SourceRange) throws(ConfigError) -> Int {
        if let i = sourceIndexByName[name] { return i }
        guard let (drivers, _) = sourceDefs[name] else {
            throw errors.error("Reference to undefined source '\(name)'", at: r)
        }
        let built = try makeSourceDrivers(name, drivers)
        let i = builtSources.count
        builtSources.append((name, built))
        sourceIndexByName[name] = i
        return i
    }

    /// Creates (but does not start) the drivers of a source statement.
    func makeSourceDrivers(_ name: String, _ drivers: [OptionNode]) throws(ConfigError)
        -> [(driver: any SourceDriver, options: SourceOptions)] {
        try readSourceDrivers(name, drivers).map { (config, ctx) in (config.build(ctx), ctx.sourceOptions) }
    }

    /// Reads and checks the drivers of a source statement into their configuration values.
    func readSourceDrivers(_ name: String, _ drivers: [OptionNode]) throws(ConfigError)
        -> [(config: any SourceDriverConfig, context: BuildContext)] {
        var read: [(config: any SourceDriverConfig, context: BuildContext)] = []
        var pending = drivers[...]
        var i = 0
        // Groups expanded in this statement: a bound, so a group that expands into itself
        // fails instead of looping.
        var expansions = 0
        while let node = pending.popFirst() {
            var ctx = context(name, i)
            if let group = registry.sourceGroups[node.name] {
                // The group's drivers take its place (their ranges point at the group call).
                expansions += 1
                guard expansions < 64 else { throw errors.error("Source '\(node.rawName)' expands into itself", at: node.range) }
                let reader = OptionReader(node, kind: "source", errors: errors)
                let expanded = try group(reader, ctx)
                try reader.finish(allowPositional: 0)
                pending = expanded[...] + pending
                continue
            }
            guard let factory = registry.sources[node.name] else {
                let known = (Array(registry.sources.keys) + registry.sourceGroups.keys).sorted().joined(separator: ", ")
                throw errors.error("Unknown source driver '\(node.rawName)'; known drivers: \(known)", at: node.range)
            }
            let reader = OptionReader(node, kind: "source", errors: errors)
            let options = try readSourceOptions(reader)
            ctx.sourceOptions = options
            let config = try factory(reader, ctx)
            for accepted in registry.acceptedOptions["source:" + node.name] ?? [] { _ = reader.takeAll(accepted) }
            try reader.finish(allowPositional: 0)
            read.append((config, ctx))
            i += 1
        }
        return read
    }

    /// The build context of driver `index` of statement `name`.
    func context(_ name: String, _ index: Int) -> BuildContext {
        var ctx = BuildContext(globals: globals, errors: errors, statementName: name, templates: templates,
                               driverID: "\(name)#\(index)", state: buildState)
        ctx.configVersion = config.version
        ctx.compileFilter = { [self] (expr, r) throws(ConfigError) in try compileFilter(expr, at: r) }
        return ctx
    }

    /// The options every source takes.
    func readSourceOptions(_ reader: OptionReader) throws(ConfigError) -> SourceOptions {
        var o = SourceOptions()
        o.logIWSize = try reader.int("log-iw-size") ?? globals.logIWSize
        o.keepHostname = try reader.bool("keep-hostname")
        o.chainHostnames = try reader.bool("chain-hostnames")
        o.tags = try reader.strings("tags") ?? []
        o.hostOverride = try reader.string("host-override")
        o.programOverride = try reader.string("program-override")
        if let f = reader.take("default-facility") {
            let t = try OptionReader.string(f, errors: errors)
            guard let n = SyslogPriority.facility(named: t) else {
                throw errors.error("Unknown facility '\(t)'", at: f.range)
            }
            o.defaultFacility = n
        }
        for name in ["default-severity", "default-level", "default-priority"] {
            if let s = reader.take(name) {
                let t = try OptionReader.string(s, errors: errors)
                guard let n = SyslogPriority.severity(named: t) else {
                    throw errors.error("Unknown severity '\(t)'", at: s.range)
                }
                o.defaultSeverity = n
            }
        }
        o.logMsgSize = try reader.int("log-msg-size")
        if let f = reader.take("flags") {
            o.flags = try OptionReader.strings(f, errors: errors).map { String($0.map { $0 == "_" ? "-" : $0 }) }
            o.flagsRange = f.range
        }
        if let d = reader.take("use-dns") { o.useDNS = try dnsMode(d) }
        o.useFQDN = try reader.bool("use-fqdn")
        for accepted in ["keep-timestamp", "dns-cache", "normalize-hostnames",
                         "time-zone", "encoding", "format", "log-fetch-limit", "log-prefix", "pad-size",
                         "optional", "follow-freq", "hook-commands", "internal", "persist-name"] {
            _ = reader.take(accepted)
        }
        return o
    }

    /// The log path elements of a destination statement (one per driver), creating its
    /// destinations on first use: a driver with `workers(N)` is N destinations, one per worker.
    func destinationElements(named name: String, at r: SourceRange) throws(ConfigError) -> [LogPath.Element] {
        if let d = destinationElementsByName[name] { return d }
        guard let (drivers, _) = destinationDefs[name] else {
            throw errors.error("Reference to undefined destination '\(name)'", at: r)
        }
        var elements: [LogPath.Element] = []
        for spec in try makeDestinationSpecs(name, drivers) {
            let first = builtDestinations.count
            for worker in [spec] + spec.extraWorkers {
                let queue = queueProvider(worker.persistName, worker.fifoSize)
                builtDestinations.append(Destination(spec: worker, statementName: name, queue: queue))
            }
            let count = builtDestinations.count - first
            elements.append(count == 1 ? .destination(first)
                            : .workers(WorkerSet(first: first, count: count, key: spec.partitionKey)))
        }
        destinationElementsByName[name] = elements
        return elements
    }

    /// Parses the drivers of a destination statement.
    func makeDestinationSpecs(_ name: String, _ drivers: [OptionNode]) throws(ConfigError) -> [DestinationSpec] {
        var specs: [DestinationSpec] = []
        for (i, node) in drivers.enumerated() {
            let ctx = context(name, i)
            guard let factory = registry.destinations[node.name] else {
                let known = registry.destinations.keys.sorted().joined(separator: ", ")
                throw errors.error("Unknown destination driver '\(node.rawName)'; known drivers: \(known)", at: node.range)
            }
            let reader = OptionReader(node, kind: "destination", errors: errors)
            var spec = try factory(reader, ctx)
            for accepted in registry.acceptedOptions["destination:" + node.name] ?? [] { _ = reader.takeAll(accepted) }
            spec.stallTimeout = globals.stallTimeout
            spec.stopTimeout = globals.stopTimeout
            if let o = reader.take("stall-timeout") { spec.stallTimeout = try OptionReader.nonNegativeSeconds(o, errors: errors) }
            if let p = try reader.string("persist-name") { spec.persistName = p }
            if let f = try reader.int("log-fifo-size") { spec.fifoSize = f }
            if let t = try reader.double("time-reopen") { spec.timeReopen = t }
            try reader.finish()
            // Workers 2…N share the statement's settings; each has a queue of its own.
            for i in spec.extraWorkers.indices {
                spec.extraWorkers[i].persistName = spec.persistName + "#\(i + 1)"
                spec.extraWorkers[i].fifoSize = spec.fifoSize
                spec.extraWorkers[i].timeReopen = spec.timeReopen
                spec.extraWorkers[i].stallTimeout = spec.stallTimeout
                spec.extraWorkers[i].stopTimeout = spec.stopTimeout
            }
            specs.append(spec)
        }
        return specs
    }

    /// Checks the statements no log path uses, as syslog-ng does: their drivers must be valid
    /// even though they will not run.
    func validateUnreferenced() throws(ConfigError) {
        for st in config.statements {
            switch st {
            case .source(let name, let drivers, _) where sourceIndexByName[name] == nil:
                _ = try readSourceDrivers(name, drivers)
            case .destination(let name, let drivers, _) where destinationElementsByName[name] == nil:
                _ = try makeDestinationSpecs(name, drivers)
            default:
                break
            }
        }
    }
}
