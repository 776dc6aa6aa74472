internal import CPython
import SyslogPythonRuntime
import Synchronization
import SyslogConfig
import SyslogCore
import SyslogMessage

/// `parser p { python(class("mod.Parser") options(…)); };` (spec §11): `parse(msg)` gets the
/// path's own writable copy of the message; truthy keeps it, falsy or an exception drops it
/// from that path. Runs on the thread that routes the message, with the GIL taken per call.
final class PythonParserDriver: MessageParser, @unchecked Sendable {
    // Invariant for @unchecked Sendable: Python objects are touched with the GIL held; the
    // counters are atomic.
    let className: String
    let options: [(String, PythonOptionValue)]
    let loaders: [String]
    let driverID: String
    let mainModule: PyRef?
    /// `@version` < 4.0: plain classes accepted, messages in compatibility mode.
    let compat: Bool
    private var instance: PyRef?
    private var parseMethod: PyRef?
    private var initialized = false
    /// Messages dropped (falsy result or exception), and when an exception was last logged.
    let dropped = Atomic<Int>(0)
    private let lastLogged = Atomic<Int64>(0)

    init(className: String, options: [(String, PythonOptionValue)], loaders: [String], driverID: String, mainModule: PyRef?,
         compat: Bool = false) {
        self.compat = compat
        self.className = className
        self.options = options
        self.loaders = loaders
        self.driverID = driverID
        self.mainModule = mainModule
    }

    static func make(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) -> any MessageParser {
        guard let cls = try reader.string("class") else {
            throw ctx.errors.error("Error initializing Python bindings: no class specified", at: reader.node.range)
        }
        let opts = try PythonOptionValue.read(reader.takeAll("options"), errors: ctx.errors)
        let loaders = (try reader.strings("loaders") ?? []) + (try reader.strings("imports") ?? [])
        return PythonParserDriver(className: cls, options: opts, loaders: loaders, driverID: ctx.driverID,
                                  mainModule: PythonPlugin.state(ctx).main, compat: ctx.isCompatibilityMode)
    }

    var logPairs: [(String, String)] { [("driver", driverID), ("class", className)] }

    func initialize() throws(PipelineInitError) {
        try PythonDriverSupport.initialize { gil throws(PipelineInitError) in
            PythonDriverSupport.prepare(main: mainModule, loaders: loaders, gil)
            guard let cls = PythonDriverSupport.resolveClass(className, main: mainModule, gil) else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "class lookup")
                throw fail("Error looking up Python driver class")
            }
            defer { ssw_decref(cls) }
            if !PythonDriverSupport.isSubclass(cls, of: "LogParser", in: "syslogng.parser") {
                guard compat else { throw fail("Error initializing Python parser, class is not a subclass of LogParser") }
                InternalLog.shared.warning("Python parser class is not a subclass of LogParser, running it in compatibility mode (@version < 4.0)", logPairs)
            }
            guard let obj = Py.call(cls, [], gil), let inst = PyRef(owned: obj) else {
                PythonException.fetch(gil)?.log(caller: driverID, className: className, function: "__init__")
                throw fail("Error instantiating Python driver class")
            }
            instance = inst
            guard let parse = Py.attr(inst.pointer, "parse", gil) else {
                throw fail("Error initializing Python parser, class does not have a parse() method")
            }
            parseMethod = PyRef(owned: parse)
            guard PythonDriverSupport.callInit(inst.pointer, options, caller: driverID, className: className, gil) else {
                throw fail("Error initializing Python driver object, init() returned FALSE")
            }
            initialized = true
        }
    }

    private func fail(_ message: String) -> PipelineInitError {
        PythonDriverSupport.initFailure(message, logPairs)
    }

    func deinitialize() {
        Python.attach { gil in
            guard initialized, let inst = instance else { return }
            initialized = false
            PythonDriverSupport.callIfPresent(inst.pointer, "deinit", caller: driverID, className: className, gil)
            parseMethod = nil
        }
    }

    func parse(_ msg: LogMessage) -> Bool {
        let kept: Bool = Python.attach { gil in
            guard let parse = parseMethod, let obj = MessageType.wrap(msg, compat: compat, gil) else { PyErr_Clear(); return false }
            defer {
                // A wrapper the plugin kept cannot change the message once it moved on.
                MessageType.freeze(obj)
                ssw_decref(obj)
            }
            guard let r = Py.call(parse.pointer, [obj], gil) else {
                let e = PythonException.fetch(gil)
                // Logged at most once a second, not per message.
                let now = monotonicNanoseconds()
                if now - lastLogged.load(ordering: .relaxed) > 1_000_000_000 {
                    lastLogged.store(now, ordering: .relaxed)
                    e?.log(caller: driverID, className: className, function: "parse")
                }
                return false
            }
            defer { ssw_decref(r) }
            let truthy = PyObject_IsTrue(r)
            if truthy < 0 { PyErr_Clear() }
            return truthy == 1
        }
        if !kept { dropped.add(1, ordering: .relaxed) }
        return kept
    }
}
