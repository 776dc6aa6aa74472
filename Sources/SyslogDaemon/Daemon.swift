#if canImport(Glibc)
import Glibc
#endif
import SyslogConfig
import SyslogCore
import SyslogFile
import SyslogNetwork
import SyslogParsers
import SyslogMessage
import SyslogPython

/// The daemon: loads the configuration, runs the pipeline, and handles SIGHUP (reload) and
/// SIGTERM/SIGINT (shutdown) on the main thread.
public final class Daemon {
    public static let version = "0.1.0"
    /// The syslog-ng configuration version this daemon speaks.
    public static let configVersion = "4.8"

    /// Exit codes, as syslog-ng's.
    public enum ExitCode: Int32 {
        case ok = 0, configError = 1, initError = 2
    }

    let options: CommandLineOptions
    let registry: DriverRegistry
    /// Destination queues by persist name, kept across reloads.
    var queues: [String: DestinationQueue] = [:]
    var current: (config: ConfigFile, pipeline: Pipeline)?
    /// The persist file (`-R`), opened at start-up.
    var persist: PersistStore?
    var control: ControlServer?

    public init(options: CommandLineOptions) {
        self.options = options
        self.registry = Daemon.makeRegistry()
    }

    /// Reads configuration files, with the raw blocks the registered plugins handle (`python {}`).
    var loader: ConfigLoader { ConfigLoader(rawBlocks: Set(registry.blockHandlers.keys)) }

    /// Every driver the daemon knows.
    public static func makeRegistry() -> DriverRegistry {
        let r = DriverRegistry()
        InternalSource.register(in: r)
        ExampleMsgGenerator.register(in: r)
        FileDrivers.register(in: r)
        NetworkDrivers.register(in: r)
        SourceGroups.register(in: r)
        ParserDrivers.register(in: r)
        PythonPlugin.register(in: r)
        return r
    }

    /// Runs the daemon to completion and returns the process exit code.
    public func run() -> Int32 {
        if let exitCode = startUp() { return exitCode }
        while true {
            switch SignalWaiter.wait(seconds: 1) {
            case .terminate:
                shutdown()
                return ExitCode.ok.rawValue
            case .reload:
                reload()
            case .timeout:
                continue
            }
        }
    }

    /// Loads, initialises and starts the configuration; an exit code when the daemon must not
    /// go on (or is the parent of a detached daemon). Only `current` keeps the pipeline, so a
    /// reload frees it (and calls Python `finalize()`) as soon as it is replaced.
    private func startUp() -> Int32? {
        LocalZone.initialize()
        var s = InternalLog.Settings()
        s.toStderr = options.stderr
        s.verbose = options.verbose
        s.debug = options.debug
        s.trace = options.trace
        InternalLog.shared.settings = s

        let config: ConfigFile
        let pipeline: Pipeline
        switch load(options.configFile) {
        case .failure(let message):
            StandardError.write(message.text + "\n")
            return ExitCode.configError.rawValue
        case .success(let (c, p)):
            config = c
            pipeline = p
        }
        if options.syntaxOnly { return ExitCode.ok.rawValue }
        do {
            persist = try PersistStore(path: options.persistFile)
        } catch {
            InternalLog.shared.error(error.description)
            return ExitCode.initError.rawValue
        }
        PersistStore.current = persist
        // From here on Python's Persist() works (not in the first config's python {} block).
        PersistStore.setAvailable(true)
        do {
            try pipeline.initialize()
        } catch {
            InternalLog.shared.error(error.message, error.pairs)
            InternalLog.shared.error("Error initializing message pipeline")
            return ExitCode.initError.rawValue
        }
        var notifyParent: Int32 = -1
        if !options.foreground {
            switch Daemonizer.detach() {
            case .parent(let code): return code
            case .child(let fd): notifyParent = fd
            case .failed(let err):
                StandardError.write("Error forking into the background: \(err)\n")
                return ExitCode.initError.rawValue
            }
        }
        SignalWaiter.blockSignals()
        if let p = options.pidFile { PidFile(path: p).write() }
        let runID = nextRunID()
        pipeline.start()
        current = (config, pipeline)
        let control = ControlServer(path: options.controlFile)
        if control.start() {
            self.control = control
            publishStats(pipeline)
        }
        InternalLog.shared.notice("syslog-ng starting up", [("version", Daemon.version)])
        InternalLog.shared.debug("Run id", [("run_id", String(runID))])
        if notifyParent >= 0 { Daemonizer.reportStarted(notifyParent) }
        return nil
    }

    /// Loads and builds a configuration file; the failure is the full error text.
    func load(_ path: String) -> Result<(ConfigFile, Pipeline), LoadFailure> {
        let config: ConfigFile
        do {
            config = try loader.load(path: path)
        } catch {
            return .failure(LoadFailure(error.description))
        }
        for w in config.warnings { InternalLog.shared.warning(w) }
        return build(config).map { (config, $0) }
    }

    /// Builds a pipeline from a parsed configuration, adopting existing queues.
    func build(_ config: ConfigFile) -> Result<Pipeline, LoadFailure> {
        let builder = ConfigBuilder(config: config, registry: registry) { [self] name, size in
            if let q = queues[name] {
                q.setCapacity(size)
                return q
            }
            let q = DestinationQueue(persistName: name, capacity: size)
            queues[name] = q
            return q
        }
        do {
            return .success(try builder.build())
        } catch {
            return .failure(LoadFailure(error.description))
        }
    }

    /// SIGTERM/SIGINT: sources stop first, destinations drain, then exit.
    func shutdown() {
        InternalLog.shared.notice("syslog-ng shutting down", [("version", Daemon.version)])
        if let (_, p) = current {
            p.stopSources()
            // No configuration runs now: listening sockets close (unix socket files go).
            for hook in registry.configurationStarted { hook() }
            p.stopDestinations(drain: true)
        }
        current = nil
        control?.stop()
        persist?.sync()
        if let p = options.pidFile { PidFile(path: p).remove() }
    }

    /// Increments and returns the run id kept in the persist file.
    func nextRunID() -> Int64 {
        var id: Int64 = 1
        switch persist?.get("run_id") {
        case .int(let i): id = i + 1
        case .string(let s): id = (Int64(s) ?? 0) + 1
        default: break
        }
        if persist?.set("run_id", .int(id)) == false {
            InternalLog.shared.error("Error writing persist file", [("filename", options.persistFile), ("error", lastError())])
        }
        return id
    }

    /// Points the control socket's STATS at the running pipeline.
    func publishStats(_ pipeline: Pipeline) {
        control?.stats.withLock { $0 = { [pipeline] in pipeline.statsLines() } }
    }

    /// Forgets queues no configuration uses any more, and lets drivers release what only an
    /// earlier configuration used (listening sockets).
    func pruneQueues(keeping pipeline: Pipeline) {
        let used = Set(pipeline.destinations.map { $0.spec.persistName })
        queues = queues.filter { used.contains($0.key) }
        for hook in registry.configurationStarted { hook() }
    }
}

/// Why a configuration could not be loaded: the complete text to print or log.
struct LoadFailure: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
