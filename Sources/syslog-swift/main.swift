#if canImport(Glibc)
import Glibc
#endif
import SyslogCore
import SyslogDaemon
import SyslogPython

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
exit(Daemon(options: options).run())
