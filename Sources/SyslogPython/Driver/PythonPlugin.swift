internal import CPython
import SyslogPythonRuntime
#if canImport(Glibc)
import Glibc
#endif
import SyslogConfig
import SyslogCore

/// Registers the Python drivers and the `python { … };` block with the daemon.
public enum PythonPlugin {
    /// What one configuration build keeps for Python: its `_syslogng_main` module (the
    /// namespace of its `python {}` blocks), made only when the configuration uses Python.
    final class BuildState {
        var main: PyRef?
    }

    static func state(_ ctx: BuildContext) -> BuildState { state(ctx.state) }
    static func state(_ build: SyslogCore.BuildState) -> BuildState { build.value(BuildState.self) { BuildState() } }
    /// The main module of the configuration being built (builds run on the control thread, one
    /// at a time): `$(python f)` templates compiled during the build keep it.
    nonisolated(unsafe) static var buildingMain: PyRef?
    /// Where the pure-Python `syslogng` package is, found at start-up.
    nonisolated(unsafe) public static var packageDirectory: String?

    public static func register(in registry: DriverRegistry) {
        PythonTemplateFunction.register()
        registry.registerWillBuild { config, buildState throws(ConfigError) in
            // A fresh main module per configuration, created only when the config uses Python.
            buildingMain = nil
            guard usesPython(config) else { return }
            try startInterpreter(config)
            let state = state(buildState)
            Python.attach { gil in
                state.main = PyRef(owned: PyModule_New("_syslogng_main"))
                if let m = state.main, let d = PyModule_GetDict(m.pointer) {
                    PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins())
                }
            }
            buildingMain = state.main
        }
        registry.registerBlock("python") { code, range, errors, buildState throws(ConfigError) in
            let state = state(buildState)
            let failure: String? = Python.attach { gil in
                guard let main = state.main, let globals = PyModule_GetDict(main.pointer) else {
                    return "no main module"
                }
                let filename = "\(range.start.file){python-global-code:\(range.start.line)}"
                guard let compiled = Py_CompileString(code, filename, Py_file_input) else {
                    let e = PythonException.fetch(gil)
                    InternalLog.shared.error("Error compiling Python global code block", [("exception", e?.description ?? "")])
                    if let tb = e?.traceback { StandardError.write(tb) }
                    return "compile"
                }
                defer { ssw_decref(compiled) }
                guard let result = PyEval_EvalCode(compiled, globals, globals) else {
                    let e = PythonException.fetch(gil)
                    InternalLog.shared.error("Error evaluating global Python block", [("exception", e?.description ?? "")])
                    if let tb = e?.traceback { StandardError.write(tb) }
                    return "evaluate"
                }
                ssw_decref(result)
                return nil
            }
            if failure != nil {
                throw errors.error("Error processing global python block", at: range)
            }
        }
        registry.registerSource("python", accepting: ["use-syslogng-pid", "read-old-records", "sdata-prefix",
                                                      "long-hostnames"]) { (reader, ctx) throws(ConfigError) in
            try PythonSourceDriver.make(reader, ctx)
        }
        registry.registerParser("python") { (reader, ctx) throws(ConfigError) in
            try PythonParserDriver.make(reader, ctx)
        }
        registry.registerDestination("python", accepting: PythonDestinationDriver.accepted) { (reader, ctx) throws(ConfigError) in
            try PythonDestinationDriver.make(reader, ctx)
        }
        registry.registerSource("python-fetcher", accepting: ["use-syslogng-pid", "read-old-records", "sdata-prefix",
                                                              "long-hostnames"]) { (reader, ctx) throws(ConfigError) in
            try PythonSourceDriver.makeFetcher(reader, ctx)
        }
    }

    static func usesPython(_ config: ConfigFile) -> Bool {
        for st in config.statements {
            switch st {
            case .rawBlock(let keyword, _, _) where keyword == "python": return true
            case .source(_, let drivers, _): if drivers.contains(where: { isPythonDriver($0.name) }) { return true }
            case .destination(_, let drivers, _), .parser(_, let drivers, _):
                if drivers.contains(where: { $0.name == "python" }) { return true }
            case .log(let l): if logUsesPython(l) { return true }
            default: continue
            }
        }
        return false
    }

    static func isPythonDriver(_ name: String) -> Bool { name == "python" || name == "python-fetcher" }

    private static func logUsesPython(_ l: LogStatement) -> Bool {
        l.items.contains { item in
            switch item {
            case .sourceInline(let d, _): return d.contains { isPythonDriver($0.name) }
            case .destinationInline(let d, _), .parserInline(let d, _): return d.contains { $0.name == "python" }
            case .log(let child): return logUsesPython(child)
            default: return false
            }
        }
    }

    /// Starts the interpreter with the config's `python/` directory and the `syslogng`
    /// package on `sys.path`.
    static func startInterpreter(_ config: ConfigFile) throws(ConfigError) {
        var dir: String?
        if let main = config.files.first {
            let d = main.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            dir = d.isEmpty ? "." : d
        }
        do {
            try startInterpreter(configDirectory: dir)
        } catch {
            throw ConfigError(message: error.message)
        }
    }

    /// Starts the interpreter for a configuration that only uses Python through `$(python …)`
    /// (no `python {}` block or driver): with the `syslogng` package on `sys.path`.
    static func ensureInterpreter() {
        do {
            try startInterpreter(configDirectory: nil)
        } catch {
            InternalLog.shared.error("Error initializing the Python interpreter", [("error", error.message)])
        }
    }

    /// Starts the interpreter once, with `<configDirectory>/python` and the package directory on
    /// `sys.path`.
    private static func startInterpreter(configDirectory: String?) throws(PythonInitError) {
        guard !PythonRuntime.isInitialized else { return }
        var paths: [String] = []
        if let dir = configDirectory { paths.append(dir + "/python") }
        if let pkg = packageDirectory ?? findPackageDirectory() { paths.append(pkg) }
        PythonRuntime.extraPaths = paths
        PythonRuntime.beforeStart = [NativeModule.registerBuiltin]
        try PythonRuntime.initialize()
    }

    /// `SYSLOG_SWIFT_PYTHON_DIR`, else `python/` next to the executable's ancestors (a source
    /// checkout), else `<prefix>/share/syslog-swift/python`.
    static func findPackageDirectory() -> String? {
        if let env = getenv("SYSLOG_SWIFT_PYTHON_DIR") { return String(cString: env) }
        guard var dir = InstallPaths.executable else { return nil }
        for _ in 0..<6 {
            guard let slash = dir.lastIndex(of: "/") else { break }
            dir = String(dir[..<slash])
            for candidate in [dir + "/python", dir + "/share/syslog-swift/python"] {
                if access(candidate + "/syslogng/__init__.py", R_OK) == 0 { return candidate }
            }
        }
        return nil
    }
}
