#if canImport(Glibc)
import Glibc
#endif
import SyslogCore
import SyslogDaemon
import SyslogPython
import SyslogPythonRuntime

let options: CommandLineOptions
do {
    options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    StandardError.write("\(error.description)\n\(CommandLineOptions.usage)")
    exit(1)
}
if options.help {
    print(CommandLineOptions.usage, terminator: "")
    exit(0)
}
if options.version {
    print("syslog-swift \(Daemon.version)")
    print("Config version: \(Daemon.configVersion)")
    print("Python version: \(PythonRuntime.libraryVersion.split(separator: " ").first ?? "")")
    exit(0)
}
let code = Daemon(options: options).run()
if AbandonedSources.any {
    // A source thread that never stopped may still run: leave without exit handlers (and
    // without finalizing Python under its feet). Everything queued was written already.
    fflush(nil)
    _exit(code)
}
exit(code)
