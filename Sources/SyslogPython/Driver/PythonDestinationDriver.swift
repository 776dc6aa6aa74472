internal import CPython
import SyslogPythonRuntime
import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `destination d { python(class("mod.Dest") options(…) retries(3) batch-lines(N) …); };`
/// (spec §10): the object is created and `init()`ed when the pipeline initialises, `send()` and
/// friends run on the destination's worker thread (``PythonDestinationWriter``), `deinit()` when
/// the configuration ends.
final class PythonDestinationDriver: @unchecked Sendable {
    // Invariant for @unchecked Sendable: Python objects are touched with the GIL held; `initialize`
    // and `deinitialize` run on the control thread, the writer's methods on the worker thread.
    let className: String
    let options: [(String, PythonOptionValue)]
    let loaders: [String]
    let driverID: String
    let persistName: String
    let retries: Int
    let batchLines: Int
    /// `batch-timeout()` in nanoseconds: QUEUED messages are flushed at most this long after the
    /// first of them (0: at `batch-lines()` or when the queue runs dry only).
    let batchTimeout: Int64
    /// Messages dropped after `retries()` or by a `DROP` result (statistics).
    let dropped = Atomic<Int>(0)
    /// What the plugin reported with `stats_written_bytes_add()` (its `_written_bytes`, read
    /// after each batch and flush).
    let writtenBytes = Atomic<Int>(0)
    /// `value-pairs()`: `send()` gets a dict of these instead of the message.
    let valuePairs: ValuePairsSelection?
    let mainModule: PyRef?
    /// The destination's `frac-digits()` and `send-time-zone()`/`time-zone()` (seconds east of
    /// UTC), which `self.template_options` starts from; nil: the global ones.
    var fracDigits: Int?
    var sendTimeZone: Int32?
    /// `@version` < 4.0: plain classes accepted, messages in compatibility mode.
    var compat = false
    private(set) var instance: PyRef?
    private(set) var send: PyRef?
    private(set) var open: PyRef?
    private(set) var isOpened: PyRef?
    private(set) var flush: PyRef?
    private(set) var close: PyRef?
    /// `self.seqnum`'s storage: a one-item list the IntegerPointer reads.
    private(set) var seqnumBox: PyRef?
    private var initialized = false

    init(className: String, options: [(String, PythonOptionValue)], loaders: [String], driverID: String,
         persistName: String, retries: Int, batchLines: Int, batchTimeout: Int64 = 0, valuePairs: ValuePairsSelection?,
         mainModule: PyRef?) {
        self.valuePairs = valuePairs
        self.batchTimeout = batchTimeout
        self.className = className
        self.options = options
        self.loaders = loaders
        self.driverID = driverID
        self.persistName = persistName
        self.retries = retries
        self.batchLines = batchLines
        self.mainModule = mainModule
    }

    var logPairs: [(String, String)] { [("driver", driverID), ("class", className)] }

    static let accepted = ["batch-idle-timeout", "throttle", "flags", "on-error", "local-time-zone",
                           "ts-format", "template-escape"]

    /// Reads `python(…)` in a destination and makes its spec.
    static func make(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> DestinationSpec {
        guard let cls = try reader.string("class") else {
            throw ctx.errors.error("Error initializing Python bindings: no class specified", at: reader.node.range)
        }
        let opts = try PythonOptionValue.read(reader.takeAll("options"), errors: ctx.errors)
        let loaders = (try reader.strings("loaders") ?? []) + (try reader.strings("imports") ?? [])
        let main = PythonPlugin.state(ctx).main
        let persist = try reader.string("persist-name").map { "python.\($0)" }
            ?? generatedPersistName(cls, options: opts, main: main).map { "python.\($0)" } ?? "python(\(cls))"
        let retries = max(1, try reader.int("retries") ?? 3)
        let batchLines = max(0, try reader.int("batch-lines") ?? 0)
        let batchTimeoutMs = max(0, try reader.int("batch-timeout") ?? 0)
        // time-reopen() is accepted and, as in syslog-ng, 1 s for Python destinations.
        _ = try reader.double("time-reopen")
        let fifo = try reader.int("log-fifo-size") ?? ctx.globals.logFifoSize
        var valuePairs: ValuePairsSelection?
        if let vp = reader.take("value-pairs") {
            do {
                valuePairs = try ValuePairsSelection(arguments: try valuePairsArguments(vp, ctx.errors),
                                                     options: ctx.globals.templateOptions)
            } catch let e as TemplateError {
                throw ctx.errors.error("Error in value-pairs(): \(e.message)", at: vp.range)
            } catch let e as ConfigError {
                throw e
            } catch {
                throw ctx.errors.error("Error in value-pairs()", at: vp.range)
            }
        }
        var fracDigits: Int?
        if let f = try reader.int("frac-digits") { fracDigits = max(0, min(9, f)) }
        var sendTimeZone: Int32?
        for name in ["time-zone", "send-time-zone"] {
            if let o = reader.take(name) {
                let tz = try OptionReader.string(o, errors: ctx.errors)
                guard let off = TimeZoneParser.offset(tz) else { throw ctx.errors.error("Unknown time zone '\(tz)'", at: o.range) }
                sendTimeZone = Int32(off)
            }
        }
        // workers(N): N instances of the class, each on a worker thread with a queue of its own.
        let workers = max(1, try reader.int("workers") ?? 1)
        var partitionKey: Template?
        if let k = reader.take("worker-partition-key") {
            let (v, r) = try OptionReader.single(k, errors: ctx.errors)
            partitionKey = try ctx.templates.compile(v.text, at: r, options: ctx.globals.templateOptions)
        }
        func workerSpec(_ index: Int) -> DestinationSpec {
            let id = index == 0 ? ctx.driverID : ctx.driverID + ".worker" + String(index)
            let driver = PythonDestinationDriver(className: cls, options: opts, loaders: loaders, driverID: id,
                                                 persistName: persist, retries: retries, batchLines: batchLines,
                                                 batchTimeout: Int64(batchTimeoutMs) * 1_000_000, valuePairs: valuePairs,
                                                 mainModule: main)
            driver.compat = ctx.isCompatibilityMode
            driver.fracDigits = fracDigits
            driver.sendTimeZone = sendTimeZone
            var spec = DestinationSpec(driverName: "python", persistName: persist, fifoSize: fifo, timeReopen: 1) {
                PythonDestinationWriter(driver)
            }
            spec.initialize = { () throws(PipelineInitError) in try driver.initialize() }
            spec.deinitialize = { driver.deinitialize() }
            spec.driverDropped = { driver.dropped.load(ordering: .relaxed) }
            spec.driverWrittenBytes = { driver.writtenBytes.load(ordering: .relaxed) }
            return spec
        }
        var spec = workerSpec(0)
        spec.extraWorkers = (1..<workers).map(workerSpec)
        spec.partitionKey = partitionKey
        return spec
    }

    /// `value-pairs(scope(…) key(…) exclude(…) pair(NAME TEMPLATE) omit-empty-values())` as the
    /// arguments `$(format-json)` takes for the same selection.
    static func valuePairsArguments(_ node: OptionNode, _ errors: ConfigErrorFactory) throws(ConfigError) -> [String] {
        var args: [String] = []
        for a in node.arguments {
            guard case .option(let o) = a else {
                throw errors.error("value-pairs() takes scope(), key(), exclude(), pair(), omit-empty-values()", at: node.range)
            }
            let values = try OptionReader.strings(o, errors: errors)
            switch o.name {
            case "scope": args += ["--scope", values.joined(separator: ",")]
            case "key": for v in values { args += ["--key", v] }
            case "exclude": for v in values { args += ["--exclude", v] }
            case "pair":
                guard values.count == 2 else { throw errors.error("pair() expects a name and a template", at: o.range) }
                args += ["--pair", values[0] + "=" + values[1]]
            case "omit-empty-values": args.append("--omit-empty-values")
            case "leave-initial-dot": args.append("--leave-initial-dot")
            default:
                throw errors.error("Unknown value-pairs() option '\(o.rawName)'; known: scope, key, exclude, pair, omit-empty-values, leave-initial-dot", at: o.range)
            }
        }
        return args
    }

    /// The class's static `generate_persist_name(options)` (spec §2.8), called when the
    /// configuration is read (the queue is found by this name); nil without one or on failure.
    static func generatedPersistName(_ cls: String, options: [(String, PythonOptionValue)], main: PyRef?) -> String? {
        Python.attach { gil in
            guard let c = PythonDriverSupport.resolveClass(cls, main: main, gil) else { PyErr_Clear(); return nil }
            defer { ssw_decref(c) }
            guard let gen = Py.attr(c, "generate_persist_name", gil) else { return nil }
            defer { ssw_decref(gen) }
            if let opts = PythonDriverSupport.optionsDict(options, gil) {
                defer { ssw_decref(opts) }
                if let r = Py.call(gen, [opts], gil) {
                    defer { ssw_decref(r) }
                    if let name = Py.string(r) { return name }
                }
            }
            if let e = PythonException.fetch(gil) { e.log(caller: "", className: cls, function: "generate_persist_name") }
            InternalLog.shared.error("Failed while generating persist name, using default", [("class", cls)])
            return nil
        }
    }

    // MARK: lifecycle (control thread)

    func initialize() throws(PipelineInitError) {
        try PythonDriverSupport.initialize { gil throws(PipelineInitError) in try initializeLocked(gil) }
    }

    private func fail(_ message: String, _ exception: PythonException? = nil) -> PipelineInitError {
        PythonDriverSupport.initFailure(message, logPairs, exception)
    }

    private func initializeLocked(_ gil: borrowing GIL) throws(PipelineInitError) {
        PythonDriverSupport.prepare(main: mainModule, loaders: loaders, gil)
        guard let cls = PythonDriverSupport.resolveClass(className, main: mainModule, gil) else {
            throw fail("Error looking up Python driver class", PythonException.fetch(gil))
        }
        defer { ssw_decref(cls) }
        if !PythonDriverSupport.isSubclass(cls, of: "LogDestination", in: "syslogng.destination") {
            guard compat else { throw fail("Error initializing Python destination, class is not a subclass of LogDestination") }
            InternalLog.shared.warning("Python destination class is not a subclass of LogDestination, running it in compatibility mode (@version < 4.0)", logPairs)
        }
        // The result constants on the class, as syslog-ng injects them.
        for (name, v) in [("DROP", 0), ("ERROR", 1), ("SUCCESS", 3), ("QUEUED", 4), ("NOT_CONNECTED", 5), ("RETRY", 6), ("MAX", 7)] {
            if let o = PyLong_FromLong(v) {
                PyObject_SetAttrString(cls, name, o)
                ssw_decref(o)
            }
        }
        PyErr_Clear()
        guard let obj = Py.call(cls, [], gil), let inst = PyRef(owned: obj) else {
            throw fail("Error instantiating Python driver class", PythonException.fetch(gil))
        }
        instance = inst
        guard let s = Py.attr(inst.pointer, "send", gil) else {
            throw fail("Error initializing Python destination, class does not have a send() method")
        }
        send = PyRef(owned: s)
        open = PyRef(owned: Py.attr(inst.pointer, "open", gil))
        isOpened = PyRef(owned: Py.attr(inst.pointer, "is_opened", gil))
        flush = PyRef(owned: Py.attr(inst.pointer, "flush", gil))
        close = PyRef(owned: Py.attr(inst.pointer, "close", gil))
        // persist_name, template_options and seqnum are set before init() (spec §10).
        if let n = Py.str(persistName) {
            PyObject_SetAttrString(inst.pointer, "persist_name", n)
            ssw_decref(n)
        }
        if let opts = PythonDriverSupport.call("syslogng.template", "LogTemplateOptions", [], gil) {
            if let f = fracDigits, let v = PyLong_FromLong(f) {
                PyObject_SetAttrString(opts, "frac_digits", v)
                ssw_decref(v)
            }
            if let tz = sendTimeZone, let v = PyLong_FromLong(Int(tz)) {
                PyObject_SetAttrString(opts, "time_zone", v)
                ssw_decref(v)
            }
            PyObject_SetAttrString(inst.pointer, "template_options", opts)
            ssw_decref(opts)
        }
        if let box = PyList_New(1), let zero = PyLong_FromLong(0) {
            PyList_SetItem(box, 0, zero)
            seqnumBox = PyRef(owned: box)
            if let pointer = PythonDriverSupport.integerPointer(over: box, gil) {
                PyObject_SetAttrString(inst.pointer, "seqnum", pointer)
                ssw_decref(pointer)
            }
        }
        PyErr_Clear()
        guard PythonDriverSupport.callInit(inst.pointer, options, caller: driverID, className: className, gil) else {
            throw fail("Error initializing Python driver object, init() returned FALSE")
        }
        initialized = true
    }

    func deinitialize() {
        Python.attach { gil in
            guard initialized, let inst = instance else { return }
            initialized = false
            PythonDriverSupport.callIfPresent(inst.pointer, "deinit", caller: driverID, className: className, gil)
            send = nil
            open = nil
            isOpened = nil
            flush = nil
            close = nil
        }
    }

    /// Publishes the instance's `stats_written_bytes_add()` total (worker thread, GIL held).
    func readWrittenBytes(_ gil: borrowing GIL) {
        guard let inst = instance, let v = Py.attr(inst.pointer, "_written_bytes", gil) else { PyErr_Clear(); return }
        defer { ssw_decref(v) }
        let n = PyLong_AsLong(v)
        if n >= 0 { writtenBytes.store(n, ordering: .relaxed) }
        PyErr_Clear()
    }

    /// Sets `self.seqnum` to `n` (worker thread, GIL held).
    func setSeqnum(_ n: Int, _ gil: borrowing GIL) {
        guard let box = seqnumBox, let v = PyLong_FromLong(n) else { return }
        PyList_SetItem(box.pointer, 0, v)
    }
}
