internal import CPython
import SyslogPythonRuntime
import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// Which Python source API a driver runs.
enum PythonSourceKind: Sendable {
    /// `python()`: a `LogSource` whose `run()` posts (spec §3, §4).
    case server
    /// `python-fetcher()`: a `LogFetcher` whose `fetch()` the daemon calls in a loop (spec §6);
    /// `noDataDelay` seconds after `NO_DATA`.
    case fetcher(noDataDelay: Double)
}

/// `python(class("mod.Class") options(…) …)`: a server-style Python source (spec §3, §4), and
/// `python-fetcher(…)` (spec §6, the loop in PythonSourceDriver+Fetcher.swift). The object is
/// created and `init()`ed at pipeline initialisation, `run()` (or the fetch loop) runs on the
/// source's own OS thread (``ThreadedSource`` owns it: watchdog, restarts), `request_exit()`
/// and `deinit()` are called from the control thread.
final class PythonSourceDriver: ThreadedSourceBody, @unchecked Sendable {
    // Invariant for @unchecked Sendable: Python objects are touched with the GIL held; the
    // other state is written on the control thread before `start` and read after `join`.
    let kind: PythonSourceKind
    /// The configuration's template options: `LogTemplateOptions()` defaults once it runs.
    let templateOptions: TemplateOptions
    var driverName: String { isFetcher ? "python-fetcher" : "python" }
    var isFetcher: Bool { if case .fetcher = kind { return true } else { return false } }
    var threadName: String { "py:" + statementName }
    var logPairs: [(String, String)] { [("driver", driverID), ("class", className)] }
    let className: String
    let options: [(String, PythonOptionValue)]
    let loaders: [String]
    let persistNameOption: String?
    let flags: PythonSourceFlags
    let statementName: String
    /// syslog-ng's driver id, e.g. `s#0` (the `driver`/`caller` tag of log messages).
    let driverID: String
    let mainModule: PyRef?
    let binding: PythonSourceBinding
    private(set) var instance: PyRef?
    private var runMethod: PyRef?
    private(set) var requestExitMethod: PyRef?
    private var wakeupMethod: PyRef?
    /// The fetcher's methods (spec §6.1), looked up once before `init()`.
    private(set) var fetchMethod: PyRef?
    private(set) var openMethod: PyRef?
    private(set) var closeMethod: PyRef?
    /// The fetch loop's stop flag, and the lock its delays sleep on.
    let stopLock = ConditionLock()
    var stopRequested = false
    var exitDelivered = false
    /// init() succeeded and deinit() is still due.
    private var initialized = false
    private(set) var persistName: String?

    init(kind: PythonSourceKind, templateOptions: TemplateOptions, className: String, options: [(String, PythonOptionValue)],
         loaders: [String], persistName: String?, flags: PythonSourceFlags, statementName: String, driverID: String,
         mainModule: PyRef?) {
        self.kind = kind
        self.templateOptions = templateOptions
        self.className = className
        self.options = options
        self.loaders = loaders
        self.persistNameOption = persistName
        self.flags = flags
        self.statementName = statementName
        self.driverID = driverID
        self.mainModule = mainModule
        self.binding = PythonSourceBinding(driverID: driverID, className: className)
    }

    /// `python(…)` as configured: read and checked from the option block, nothing made in Python.
    struct Config: SourceDriverConfig {
        let kind: PythonSourceKind
        let templateOptions: TemplateOptions
        let className: String
        let options: [(String, PythonOptionValue)]
        let loaders: [String]
        let persistName: String?
        let flags: PythonSourceFlags
        let policy: SourceRunPolicy

        /// The driver of one configuration: its `python {}` namespace comes from the build.
        func build(_ ctx: BuildContext) -> any SourceDriver {
            let body = PythonSourceDriver(kind: kind, templateOptions: templateOptions, className: className,
                                          options: options, loaders: loaders,
                                          persistName: persistName, flags: flags, statementName: ctx.statementName,
                                          driverID: ctx.driverID, mainModule: PythonPlugin.state(ctx).main)
            return ThreadedSource(body, policy: policy)
        }
    }

    static func make(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> any SourceDriverConfig {
        try make(reader, ctx, kind: .server)
    }

    /// `python-fetcher(…)`: `fetch-no-data-delay()` (default: the global `time-reopen()`), and
    /// `time-reopen()`, accepted and ignored as by syslog-ng (reconnects wait 1 s).
    static func makeFetcher(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> any SourceDriverConfig {
        var delay = ctx.globals.timeReopen
        if let o = reader.take("fetch-no-data-delay") { delay = try OptionReader.nonNegativeSeconds(o, errors: ctx.errors) }
        if let o = reader.take("time-reopen") { _ = try OptionReader.nonNegativeSeconds(o, errors: ctx.errors) }
        return try make(reader, ctx, kind: .fetcher(noDataDelay: delay))
    }

    private static func make(_ reader: OptionReader, _ ctx: BuildContext,
                             kind: PythonSourceKind) throws(ConfigError) -> any SourceDriverConfig {
        guard let cls = try reader.string("class") else {
            throw ctx.errors.error("Error initializing Python bindings: no class specified", at: reader.node.range)
        }
        let opts = try PythonOptionValue.read(reader.takeAll("options"), errors: ctx.errors)
        var loaders = try reader.strings("loaders") ?? []
        if let imports = try reader.strings("imports") {
            InternalLog.shared.warning("imports() has been deprecated, please use loaders()")
            loaders += imports
        }
        let persist = try reader.string("persist-name")
        let flagNames = ctx.sourceOptions.flags
        for name in flagNames where !PythonSourceFlags.known.contains(name) {
            throw ctx.errors.error("Unknown flag \"\(name)\"", at: ctx.sourceOptions.flagsRange ?? reader.node.range)
        }
        return Config(kind: kind, templateOptions: ctx.globals.templateOptions, className: cls, options: opts, loaders: loaders, persistName: persist,
                      flags: PythonSourceFlags(flagNames), policy: try SourceRunPolicy.read(reader, ctx))
    }

    // MARK: lifecycle

    func initialize() throws(PipelineInitError) {
        try PythonDriverSupport.initialize { gil throws(PipelineInitError) in try initializeLocked(gil) }
    }

    func fail(_ message: String, _ exception: PythonException? = nil) -> PipelineInitError {
        PythonDriverSupport.initFailure(message, logPairs, exception)
    }

    private func initializeLocked(_ gil: borrowing GIL) throws(PipelineInitError) {
        PythonDriverSupport.prepare(main: mainModule, loaders: loaders, gil)
        // Written with the GIL held (Python threads read it so), by a configuration that starts.
        TemplateType.configOptions = templateOptions
        guard let cls = PythonDriverSupport.resolveClass(className, main: mainModule, gil) else {
            throw fail("Error looking up Python driver class", PythonException.fetch(gil))
        }
        defer { ssw_decref(cls) }
        guard let obj = Py.call(cls, [], gil) else {
            throw fail("Error instantiating Python driver class", PythonException.fetch(gil))
        }
        let inst = PyRef(owned: obj)
        guard let inst, isFetcher ? SourceType.isFetcher(inst.pointer) : SourceType.isInstance(inst.pointer) else {
            throw fail("Error instantiating Python driver class, class is not a subclass of \(isFetcher ? "LogFetcher" : "LogSource")")
        }
        instance = inst
        let so = SourceType.object(inst.pointer)
        so.pointee.binding = Unmanaged.passUnretained(binding).toOpaque()
        so.pointee.auto_close_batches = 1
        if let pending = SourceType.takePendingTransport(inst.pointer) { binding.transport = .string(pending) }
        // Bound methods are looked up once, before init() (spec §3.1, §6.1).
        if isFetcher {
            try lookUpFetcherMethods(inst.pointer, gil)
        } else {
            try lookUpServerMethods(inst.pointer, gil)
        }
        let name = computePersistName(inst.pointer, gil)
        persistName = name
        ssw_xdecref(so.pointee.persist_name)
        so.pointee.persist_name = Py.str(name)
        if let flagsDict = makeFlagsDict() {
            PyObject_SetAttrString(inst.pointer, "flags", flagsDict)
            ssw_decref(flagsDict)
        }
        guard PythonDriverSupport.callInit(inst.pointer, options, caller: driverID, className: className, gil) else {
            throw fail("Error initializing Python driver object, init() returned FALSE")
        }
        // self.ack_tracker is read after init() (spec §3.2 step 8).
        if let t = Py.attr(inst.pointer, "ack_tracker", gil) {
            defer { ssw_decref(t) }
            if ssw_is_none(t) == 0 {
                guard let tracker = PythonAckTracker.make(from: t, owner: driverID, gil) else {
                    throw fail("Python source attribute ack_tracker needs to be an AckTracker subtype")
                }
                binding.tracker = tracker
            }
        }
        binding.parseFlags = flags.set
        if let capsule = ParseOptions.capsule(binding) {
            PyObject_SetAttrString(inst.pointer, "parse_options", capsule)
            ssw_decref(capsule)
        }
        PyErr_Clear()
        initialized = true
    }

    private func lookUpServerMethods(_ inst: PyObjectPtr, _ gil: borrowing GIL) throws(PipelineInitError) {
        guard let run = Py.attr(inst, "run", gil) else {
            throw fail("Error initializing Python source, class does not have a run() method")
        }
        runMethod = PyRef(owned: run)
        guard let exit = Py.attr(inst, "request_exit", gil) else {
            throw fail("Error initializing Python source, class does not have a request_exit() method")
        }
        requestExitMethod = PyRef(owned: exit)
        if let suspend = Py.attr(inst, "suspend", gil) {
            guard let wakeup = Py.attr(inst, "wakeup", gil) else {
                ssw_decref(suspend)
                throw fail("Error initializing Python source, class implements suspend() but wakeup() is missing")
            }
            binding.suspendMethod = PyRef(owned: suspend)
            wakeupMethod = PyRef(owned: wakeup)
            binding.wakeupMethod = wakeupMethod
            binding.nonBlocking = true
        }
    }

    private func lookUpFetcherMethods(_ inst: PyObjectPtr, _ gil: borrowing GIL) throws(PipelineInitError) {
        // The base class's fetch() (marked abstract) counts as missing.
        let abstract = Py.attr(inst, "fetch", gil).map { f in
            defer { ssw_decref(f) }
            guard let mark = Py.attr(f, "_syslogng_abstract", gil) else { return false }
            ssw_decref(mark)
            return true
        } ?? true
        guard !abstract, let fetch = Py.attr(inst, "fetch", gil) else {
            throw fail("Error initializing Python fetcher, class does not have a fetch() method")
        }
        fetchMethod = PyRef(owned: fetch)
        openMethod = PyRef(owned: Py.attr(inst, "open", gil))
        closeMethod = PyRef(owned: Py.attr(inst, "close", gil))
        requestExitMethod = PyRef(owned: Py.attr(inst, "request_exit", gil))
    }

    private func computePersistName(_ inst: PyObjectPtr, _ gil: borrowing GIL) -> String {
        let prefix = isFetcher ? "python-fetcher" : "python-source"
        if let p = persistNameOption { return "\(prefix).\(p)" }
        if let gen = Py.attr(inst, "generate_persist_name", gil) {
            defer { ssw_decref(gen) }
            if let opts = makeOptionsDict(gil) {
                defer { ssw_decref(opts) }
                if let r = Py.call(gen, [opts], gil) {
                    defer { ssw_decref(r) }
                    if let s = Py.string(r) ?? (ssw_bytes_check(r) != 0 ? Py.utf8Bytes(r).map { String(decoding: $0, as: UTF8.self) } : nil) {
                        return "\(prefix).\(s)"
                    }
                }
            }
            if let e = PythonException.fetch(gil) { e.log(caller: driverID, className: className, function: "generate_persist_name") }
            InternalLog.shared.error("Failed while generating persist name, using default", [("class", className)])
        }
        return "\(prefix)(\(className))"
    }

    private func makeOptionsDict(_ gil: borrowing GIL) -> PyObjectPtr? {
        PythonDriverSupport.optionsDict(options, gil)
    }

    private func makeFlagsDict() -> PyObjectPtr? {
        guard let d = PyDict_New() else { return nil }
        for (k, v) in flags.dictionary {
            let b = ssw_new_bool(v ? 1 : 0)
            PyDict_SetItemString(d, k, b)
            ssw_xdecref(b)
        }
        return d
    }

    func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        if case .fetcher(let delay) = kind { return runFetcher(poster, noDataDelay: delay) }
        binding.tracker?.window = poster.window
        return Python.attach { gil in
            guard let run = runMethod else { return .returned }
            binding.poster = poster
            binding.runThread = pthread_self()
            // The binding holds the poster unowned: no post reaches it after this.
            defer {
                binding.runThread = nil
                binding.poster = nil
            }
            if let r = Py.call(run.pointer, [], gil) {
                ssw_decref(r)
                return .returned
            }
            PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "run")
            return .failed
        }
    }

    func requestExit() {
        if isFetcher { stopFetching() }
        defer { if isFetcher { exitRequestDelivered() } }
        Python.attach { gil in
            guard let exit = requestExitMethod else { return }
            if let r = Py.call(exit.pointer, [], gil) { ssw_decref(r) } else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "request_exit")
            }
            if binding.nonBlocking, let w = wakeupMethod {
                if let r = Py.call(w.pointer, [], gil) { ssw_decref(r) } else {
                    PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "wakeup")
                }
            }
        }
    }

    /// `run()` did not return in time: from now on its posts raise instead of being accepted
    /// (a post already waiting for window room still goes through: the poster stays open).
    func abandoned() {
        Python.attach { _ in
            binding.abandoned = true
            binding.runThread = nil
        }
    }

    func deinitialize() {
        // The tracker goes first: its partial batch is delivered before deinit() (spec §5.2).
        if initialized { binding.tracker?.shutdown() }
        Python.attach { gil in
            // deinit() only for an object whose init() succeeded (spec §3.2).
            guard initialized, let inst = instance else { return }
            initialized = false
            PythonDriverSupport.callIfPresent(inst.pointer, "deinit", caller: driverID, className: className, gil)
            SourceType.object(inst.pointer).pointee.binding = nil
            runMethod = nil
            requestExitMethod = nil
            wakeupMethod = nil
            fetchMethod = nil
            openMethod = nil
            closeMethod = nil
            binding.suspendMethod = nil
            binding.wakeupMethod = nil
        }
    }

    /// The driver is freed: `finalize()` of the instance, if one was created (spec §3.1).
    deinit {
        guard instance != nil else { return }
        Python.attach { gil in
            guard let inst = instance else { return }
            SourceType.object(inst.pointer).pointee.binding = nil
            PythonDriverSupport.callIfPresent(inst.pointer, "finalize", caller: driverID, className: className, gil)
            instance = nil
        }
    }
}


/// The `self.parse_options` capsule: a strong reference to the source's binding, released by
/// the capsule's destructor, so a plugin that keeps it past a reload still parses with the
/// options of the source it came from.
enum ParseOptions {
    nonisolated(unsafe) static let capsuleName = TypeBuilder.cString("parse_options")

    static func capsule(_ binding: PythonSourceBinding) -> PyObjectPtr? {
        let raw = Unmanaged.passRetained(binding).toOpaque()
        guard let c = PyCapsule_New(raw, capsuleName, { capsule in
            guard let capsule, let p = PyCapsule_GetPointer(capsule, ParseOptions.capsuleName) else { return }
            Unmanaged<PythonSourceBinding>.fromOpaque(p).release()
        }) else {
            Unmanaged<PythonSourceBinding>.fromOpaque(raw).release()
            return nil
        }
        return c
    }

    /// The parse flags a capsule made by ``capsule(_:)`` carries; nil for any other capsule.
    static func flags(_ capsule: PyObjectPtr) -> Set<String>? {
        guard PyCapsule_IsValid(capsule, capsuleName) != 0,
              let p = PyCapsule_GetPointer(capsule, capsuleName) else { return nil }
        return Unmanaged<PythonSourceBinding>.fromOpaque(p).takeUnretainedValue().parseFlags
    }
}
