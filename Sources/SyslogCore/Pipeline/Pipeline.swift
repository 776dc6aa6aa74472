import Synchronization
import SyslogMessage

/// One configuration generation, built and ready to run: its sources, destinations and log
/// paths. A reload builds a new one and hands the destination queues over by persist name.
public final class Pipeline: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `posters` and `started` are written only on the control
    // thread (start/stop); sources read immutable routing state.
    public let globals: GlobalOptions
    public let destinations: [Destination]
    /// Source statements: name and drivers (index = source index for routing).
    public let sources: [(name: String, drivers: [(driver: any SourceDriver, options: SourceOptions)])]
    public let paths: [LogPath]
    /// Every parser of the paths (one per reference), initialised with the pipeline.
    public let parsers: [any MessageParser]
    /// Per source index: whether only one path (and no fallback path) takes its messages, so
    /// that path's parsers may change them in place.
    private let exclusiveSources: [Bool]
    private var posters: [SourcePoster] = []
    private var running = false
    /// The posters, readable from other threads (stats).
    private let postersForStats = Mutex<[SourcePoster]>([])

    public init(globals: GlobalOptions, destinations: [Destination],
                sources: [(name: String, drivers: [(driver: any SourceDriver, options: SourceOptions)])],
                paths: [LogPath]) {
        self.globals = globals
        self.destinations = destinations
        self.sources = sources
        self.paths = paths
        self.parsers = paths.flatMap(\.parsers)
        self.exclusiveSources = sources.indices.map { LogPath.takers(paths, sourceIndex: $0) == 1 }
    }

    /// Routes one message from source statement `sourceIndex` into per-destination batches.
    @inline(__always)
    func route(_ msg: LogMessage, sourceIndex: Int, into producers: [QueueProducer]) {
        _ = LogPath.route(paths, msg, sourceIndex: sourceIndex, flowControl: false,
                          exclusive: exclusiveSources[sourceIndex], into: producers)
    }

    /// Where messages of `sourceIndex` go when no path filters: see ``LogPath/directTargets``.
    func directTargets(sourceIndex: Int) -> [(destination: Int, flowControl: Bool)]? {
        LogPath.directTargets(paths, sourceIndex: sourceIndex)
    }

    /// Checks what must hold before anything starts (syslog-ng's init phase): persist names
    /// are unique. Throws the error that makes the daemon exit with 2 (or a reload revert).
    public func initialize() throws(PipelineInitError) {
        var seen = Set<String>()
        for d in destinations {
            if !seen.insert(d.spec.persistName).inserted {
                throw PipelineInitError(message: "Error checking the uniqueness of the persist names, please override it with persist-name option. Shutting down.",
                                        pairs: [("persist_name", d.spec.persistName), ("driver", d.statementName)])
            }
        }
        var initialized: [any SourceDriver] = []
        var sourceNames = Set<String>()
        var initializedParsers: [any MessageParser] = []
        do throws(PipelineInitError) {
            for d in destinations { try d.initialize() }
            for p in parsers {
                try p.initialize()
                initializedParsers.append(p)
            }
            for s in sources {
                for (driver, _) in s.drivers {
                    try driver.initialize()
                    initialized.append(driver)
                    if let name = driver.persistName, !sourceNames.insert(name).inserted {
                        throw PipelineInitError(message: "Automatic assignment of persist names failed, as conflicting persist-names were found. Please override the automatically assigned identifier using an explicit perist-name() option or remove the duplicated configuration elements",
                                                pairs: [("persist_name", name), ("driver", s.name)])
                    }
                }
            }
        } catch {
            for d in initialized { d.deinitialize() }
            for p in initializedParsers { p.deinitialize() }
            for d in destinations { d.deinitialize() }
            throw error
        }
    }

    /// Whether messages of source statement `sourceIndex` can reach a flow-controlled path.
    func hasFlowControl(sourceIndex: Int) -> Bool {
        paths.contains { $0.hasFlowControl(sourceIndex: sourceIndex, inherited: false) }
    }

    /// Starts destinations first, then sources.
    public func start() {
        guard !running else { return }
        running = true
        for d in destinations { d.start() }
        for (i, s) in sources.enumerated() {
            for (driver, options) in s.drivers {
                let p = SourcePoster(pipeline: self, sourceIndex: i, sourceName: s.name, options: options,
                                     overwritePriority: !driver.parsesPriority, canWait: driver.canWait)
                posters.append(p)
                postersForStats.withLock { $0.append(p) }
                driver.start(p)
            }
        }
    }

    /// Stops sources: asks every driver to stop, wakes posters blocked on a window, waits for
    /// their threads (each at most its stop timeout, all at once). Messages already posted stay
    /// queued. A source whose thread did not stop in time is abandoned: its poster stays open
    /// (what it still posts is queued) and it is not deinitialized.
    public func stopSources() {
        for s in sources { for (d, _) in s.drivers { d.requestStop() } }
        for p in posters { p.window.stop() }
        var stopped: [(driver: any SourceDriver, poster: SourcePoster)] = []
        var k = 0
        for s in sources {
            for (d, _) in s.drivers {
                let p = posters[k]
                k += 1
                if d.join() {
                    stopped.append((d, p))
                } else {
                    // The poster's routing state refers to this pipeline: keep both.
                    AbandonedSources.keep([d, p, self])
                }
            }
        }
        for (_, p) in stopped { p.finish() }
        for (d, _) in stopped { d.deinitialize() }
        // Parsers run on source threads: deinitialised only when none of them was left running.
        if stopped.count == k { for p in parsers { p.deinitialize() } }
        posters.removeAll()
        postersForStats.withLock { $0.removeAll() }
    }

    /// Stops destination workers; with `drain`, after writing what is queued.
    public func stopDestinations(drain: Bool) {
        for d in destinations { d.stop(drain: drain) }
        running = false
    }

    /// Counters in syslog-ng-ctl's `STATS` format (`SourceName;SourceId;SourceInstance;State;Type;Number`).
    public func statsLines() -> [String] {
        var lines: [String] = []
        var received: [String: Int] = [:]
        for p in postersForStats.withLock({ $0 }) {
            received[p.sourceName, default: 0] += p.received.load(ordering: .relaxed)
        }
        for (name, n) in received.sorted(by: { $0.key < $1.key }) {
            lines.append("source;\(name);;a;processed;\(n)")
        }
        for (i, d) in destinations.enumerated() {
            let id = "\(d.statementName)#\(i)"
            lines.append("dst.\(d.spec.driverName);\(id);\(d.spec.persistName);a;processed;\(d.written.load(ordering: .relaxed))")
            let dropped = d.queue.droppedCount + (d.spec.driverDropped?() ?? 0)
            lines.append("dst.\(d.spec.driverName);\(id);\(d.spec.persistName);a;dropped;\(dropped)")
            lines.append("dst.\(d.spec.driverName);\(id);\(d.spec.persistName);a;queued;\(d.queue.count)")
            if let bytes = d.spec.driverWrittenBytes?() {
                lines.append("dst.\(d.spec.driverName);\(id);\(d.spec.persistName);a;written_bytes;\(bytes)")
            }
        }
        return lines
    }

    /// Total messages dropped by full queues.
    public var droppedTotal: Int {
        destinations.reduce(0) { $0 + $1.queue.dropped.load(ordering: .relaxed) }
    }
}

/// A configuration that parsed but cannot start (exit code 2 at start-up, revert on reload).
public struct PipelineInitError: Error, CustomStringConvertible {
    public var message: String
    public var pairs: [(String, String)]

    public init(message: String, pairs: [(String, String)] = []) {
        self.message = message
        self.pairs = pairs
    }

    public var description: String {
        pairs.isEmpty ? message : message + "; " + pairs.map { "\($0.0)='\($0.1)'" }.joined(separator: ", ")
    }
}
