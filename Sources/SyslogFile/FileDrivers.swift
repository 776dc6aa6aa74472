import SyslogConfig
import SyslogCore
import SyslogTemplates

/// Registers the file-family drivers: `file()` and `stdout()` destinations, `stdin()` source.
public enum FileDrivers {
    /// syslog-ng's default template for files: `${DATE} ${HOST} ${MSGHDR}${MSG}\n`.
    public static let defaultFileTemplate = "${DATE} ${HOST} ${MSGHDR}${MSG}\n"

    public static func register(in registry: DriverRegistry) {
        registry.registerDestination("file", accepting: acceptedWriterOptions) { (reader, ctx) throws(ConfigError) in
            let (path, range) = try reader.requiredPositional("a file name")
            let pathTemplate = try ctx.templates.compile(path, at: range, options: ctx.globals.templateOptions,
                                                         allowNamed: false)
            let settings = try writerSettings(reader, ctx, driverName: "file", pathTemplate: pathTemplate, fd: nil)
            let persist = "affile_dd_writers(\(path))"
            return DestinationSpec(driverName: "file", persistName: persist, fifoSize: ctx.globals.logFifoSize,
                                   timeReopen: settings.timeReopen) { FileWriter(settings) }
        }
        registry.registerDestination("stdout", accepting: acceptedWriterOptions) { (reader, ctx) throws(ConfigError) in
            let settings = try writerSettings(reader, ctx, driverName: "stdout", pathTemplate: nil, fd: 1)
            return DestinationSpec(driverName: "stdout", persistName: "stdout()", fifoSize: ctx.globals.logFifoSize,
                                   timeReopen: settings.timeReopen) { FileWriter(settings) }
        }
        StdinSource.register(in: registry)
        registry.registerSource("file", accepting: ["follow-freq", "multi-line-mode", "multi-line-prefix",
                                                   "multi-line-garbage", "pad-size", "read-old-records"]) { (reader, ctx) throws(ConfigError) in
            let (path, range) = try reader.requiredPositional("a file name")
            let format = try reader.string("format") ?? "syslog"
            guard format == "linux-kmsg" else {
                throw ctx.errors.error("file() sources read the kernel log only for now: file(\"/dev/kmsg\" format(\"linux-kmsg\"))",
                                       at: range)
            }
            return KernelLogSource.Config(path: path, policy: SourceRunPolicy(globals: ctx.globals))
        }
    }

    /// The kernel log device `system()` reads, when this process can read it.
    public static var kernelLogDevice: String? { KernelLogSource.readableDevice }

    /// Accepted for compatibility and ignored (buffering is per batch here).
    static let acceptedWriterOptions = ["flush-lines", "flush-timeout", "fsync", "owner", "group", "dir-owner",
                                        "dir-group", "overwrite-if-older", "suppress", "mark-mode", "mark-freq",
                                        "local-time-zone", "pad-size", "throttle", "disk-buffer", "keep-timestamp",
                                        "frac-digits-recvd"]

    static func writerSettings(_ reader: OptionReader, _ ctx: BuildContext, driverName: String,
                               pathTemplate: Template?, fd: Int32?) throws(ConfigError) -> FileWriter.Settings {
        let template = try ctx.templates.driverTemplate(reader, globals: ctx.globals, defaultText: defaultFileTemplate)
        let createDirs = try reader.bool("create-dirs") ?? ctx.globals.createDirs
        let dirPerm = try reader.int("dir-perm") ?? ctx.globals.dirPerm
        let perm = try reader.int("perm") ?? ctx.globals.perm
        let timeReap = try reader.double("time-reap") ?? 60
        return FileWriter.Settings(statementName: ctx.statementName, driverName: driverName,
                                   pathTemplate: pathTemplate, template: template, createDirs: createDirs,
                                   dirPerm: dirPerm, perm: perm, timeReap: timeReap,
                                   timeReopen: ctx.globals.timeReopen, fixedFD: fd)
    }
}
