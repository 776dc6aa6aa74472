import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// Polls `condition` until it holds or `timeout` seconds pass; returns whether it held.
func waitUntil(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicSeconds() + timeout
    while !condition() {
        if monotonicSeconds() > deadline { return false }
        sleepSeconds(0.002)
    }
    return true
}

/// An atomic integer that closures can capture (Atomic itself is noncopyable).
final class Counter: Sendable {
    private let atomic: Atomic<Int>
    init(_ value: Int = 0) { atomic = Atomic(value) }
    var value: Int { atomic.load(ordering: .sequentiallyConsistent) }
    func set(_ v: Int) { atomic.store(v, ordering: .sequentiallyConsistent) }
}

extension SourcePoster {
    var receivedCount: Int { received.load(ordering: .sequentiallyConsistent) }
}

extension DestinationQueue {
    var droppedCount: Int { dropped.load(ordering: .sequentiallyConsistent) }
}

/// Rendered lines per destination statement, appended from destination worker threads.
final class Collector: Sendable {
    private let state = Mutex<[String: [String]]>([:])

    func append(_ destination: String, _ line: String) {
        state.withLock { $0[destination, default: []].append(line) }
    }

    func lines(_ destination: String) -> [String] {
        state.withLock { $0[destination] ?? [] }
    }

    var total: Int { state.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

/// Holds writers of `blocking()` destinations until released.
final class Gate: @unchecked Sendable {
    // Invariant: `open` and `blocked` are only touched with `lock` held.
    private let lock = ConditionLock()
    private var open = false
    private var blocked = 0

    func pass() {
        lock.withLock {
            blocked += 1
            while !open { lock.wait(seconds: 0.2) }
            blocked -= 1
        }
    }

    func release() { lock.withLock { open = true; lock.broadcast() } }

    var blockedWriters: Int { lock.withLock { blocked } }
}

/// Writes each message rendered with its template into the collector (after the gate, if any).
final class CollectWriter: DestinationWriter {
    let name: String
    let template: Template
    let collector: Collector
    let gate: Gate?
    private var ctx = TemplateRenderContext()

    init(name: String, template: Template, collector: Collector, gate: Gate?) {
        self.name = name
        self.template = template
        self.collector = collector
        self.gate = gate
    }

    func write(_ batch: ArraySlice<QueuedMessage>) -> Int {
        gate?.pass()
        var buf: [UInt8] = []
        for q in batch {
            buf.removeAll(keepingCapacity: true)
            template.render(q.message, into: &buf, context: &ctx)
            collector.append(name, String(decoding: buf, as: UTF8.self))
        }
        return batch.count
    }

    func close() {}
}

/// `test-src()`: runs a script on its own thread with the poster; by default it posts the
/// messages given for its statement name, then closes the batch.
final class TestSource: SourceDriver, @unchecked Sendable {
    // Invariant: `thread` is touched by the control thread only; the rest is immutable or atomic.
    typealias Script = @Sendable (SourcePoster) -> Void
    let driverName = "test-src"
    let script: Script
    let posterBox = Mutex<SourcePoster?>(nil)
    let finished = Atomic<Bool>(false)
    private var thread: OSThread?

    init(script: @escaping Script) { self.script = script }

    convenience init(messages: [LogMessage]) {
        self.init { poster in
            for m in messages { poster.post(m) }
            poster.closeBatch()
        }
    }

    var poster: SourcePoster? { posterBox.withLock { $0 } }

    var isFinished: Bool { finished.load(ordering: .sequentiallyConsistent) }

    func start(_ poster: SourcePoster) {
        posterBox.withLock { $0 = poster }
        thread = OSThread.start(name: "src:test") { [self] in
            script(poster)
            finished.store(true, ordering: .sequentiallyConsistent)
        }
    }

    func requestStop() {}

    func join() -> Bool {
        thread?.join()
        thread = nil
        return true
    }
}

/// `test-src()` as configured: makes its ``TestSource`` when built.
struct TestSourceConfig: SourceDriverConfig {
    let make: @Sendable (BuildContext) -> TestSource
    func build(_ ctx: BuildContext) -> any SourceDriver { make(ctx) }
}

/// Builds pipelines from config text with `test-src()`, `collect()` and `blocking()` drivers.
final class Harness {
    let collector = Collector()
    let gate = Gate()
    let registry = DriverRegistry()
    private final class Built: Sendable {
        let sources = Mutex<[String: TestSource]>([:])
    }
    private let built = Built()

    /// `messages`: what each source statement posts, by statement name; `scripts`: what each
    /// runs instead (see ``TestSource``).
    init(messages: [String: [LogMessage]] = [:], scripts: [String: TestSource.Script] = [:]) {
        let built = self.built
        registry.registerSource("test-src") { (_, _) throws(ConfigError) in
            TestSourceConfig { ctx in
                let s = scripts[ctx.statementName].map { TestSource(script: $0) }
                    ?? TestSource(messages: messages[ctx.statementName] ?? [])
                built.sources.withLock { $0[ctx.statementName] = s }
                return s
            }
        }
        let collector = self.collector
        let gate = self.gate
        for (driver, useGate) in [("collect", false), ("blocking", true)] {
            registry.registerDestination(driver) { (reader, ctx) throws(ConfigError) in
                let template = try ctx.templates.driverTemplate(reader, globals: ctx.globals, defaultText: "$MSG")
                let name = ctx.statementName
                return DestinationSpec(driverName: driver, persistName: "\(driver):\(name)",
                                       fifoSize: ctx.globals.logFifoSize, timeReopen: 1) {
                    CollectWriter(name: name, template: template, collector: collector,
                                  gate: useGate ? gate : nil)
                }
            }
        }
    }

    /// The source driver built for a statement.
    func source(_ name: String) -> TestSource? { built.sources.withLock { $0[name] } }

    var allSources: [TestSource] { built.sources.withLock { Array($0.values) } }

    func build(_ text: String) throws(ConfigError) -> Pipeline {
        let config = try ConfigLoader(environment: { _ in nil }).parse(text: text, fileName: "test.conf")
        return try ConfigBuilder(config: config, registry: registry) { name, size in
            DestinationQueue(persistName: name, capacity: size)
        }.build()
    }

    /// Runs the configuration until every source has posted everything, then stops it, draining
    /// the destinations, so everything routed has been written when this returns.
    func run(_ text: String) throws -> Collector {
        let p = try build(text)
        try p.initialize()
        p.start()
        let done = waitUntil { allSources.allSatisfy { $0.isFinished } }
        p.stopSources()
        p.stopDestinations(drain: true)
        if !done { throw HarnessError.sourcesDidNotFinish }
        return collector
    }
}

enum HarnessError: Error { case sourcesDidNotFinish, unexpectedConfig }

/// A message with the given text and fields.
func msg(_ text: String, pri: UInt16 = 13, program: String? = nil, host: String? = nil,
         address: String? = nil) -> LogMessage {
    let m = LogMessage(message: text, stamp: LogStamp(seconds: 1_795_572_797, utcOffset: 0))
    m.pri = pri
    if let program { m.set(.program, program) }
    if let host { m.set(.host, host) }
    m.sourceAddress = address
    return m
}
