import SyslogConfig
import SyslogCore
import SyslogTemplates
import SyslogFilters

/// Registers the file-family drivers: `file()`, `pipe()` and `stdout()` destinations; `stdin()`,
/// `file()`, `wildcard-file()` and `pipe()` sources.
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
        registry.registerDestination("pipe", accepting: acceptedWriterOptions) { (reader, ctx) throws(ConfigError) in
            let (path, range) = try reader.requiredPositional("a pipe name")
            let pathTemplate = try ctx.templates.compile(path, at: range, options: ctx.globals.templateOptions,
                                                         allowNamed: false)
            var pipeSettings = try writerSettings(reader, ctx, driverName: "pipe", pathTemplate: pathTemplate, fd: nil)
            pipeSettings.isPipe = true
            let settings = pipeSettings
            return DestinationSpec(driverName: "pipe", persistName: "afpipe_dd(\(path))", fifoSize: ctx.globals.logFifoSize,
                                   timeReopen: settings.timeReopen) { FileWriter(settings) }
        }
        registry.registerDestination("stdout", accepting: acceptedWriterOptions) { (reader, ctx) throws(ConfigError) in
            let settings = try writerSettings(reader, ctx, driverName: "stdout", pathTemplate: nil, fd: 1)
            return DestinationSpec(driverName: "stdout", persistName: "stdout()", fifoSize: ctx.globals.logFifoSize,
                                   timeReopen: settings.timeReopen) { FileWriter(settings) }
        }
        StdinSource.register(in: registry)
        registry.registerSource("file", accepting: ["pad-size", "keep-timestamp"]) { (reader, ctx) throws(ConfigError) in
            let (path, range) = try reader.requiredPositional("a file name")
            let format = try reader.string("format")
            if format == "linux-kmsg" {
                return KernelLogSource.Config(path: path, policy: SourceRunPolicy(globals: ctx.globals))
            }
            if let format, format != "syslog" {
                throw ctx.errors.error("Unknown format '\(format)' for file(); use syslog or linux-kmsg", at: range)
            }
            let settings = try fileSourceSettings(reader, ctx, paths: .single(path), driverName: "file")
            return FileSource.Config(settings: settings, policy: SourceRunPolicy(globals: ctx.globals))
        }
        registry.registerSource("wildcard-file", accepting: ["pad-size", "keep-timestamp", "monitor-method", "format"]) { (reader, ctx) throws(ConfigError) in
            guard let dir = try reader.string("base-dir") else {
                throw ctx.errors.error("wildcard-file() requires base-dir()", at: reader.node.range)
            }
            guard let pattern = try reader.string("filename-pattern") else {
                throw ctx.errors.error("wildcard-file() requires filename-pattern()", at: reader.node.range)
            }
            let recursive = try reader.bool("recursive") ?? false
            let maxFiles = try reader.int("max-files") ?? 100
            let settings = try fileSourceSettings(reader, ctx, paths: .wildcard(baseDir: dir, pattern: pattern,
                                                                                 recursive: recursive, maxFiles: max(1, maxFiles)),
                                                  driverName: "wildcard-file")
            return FileSource.Config(settings: settings, policy: SourceRunPolicy(globals: ctx.globals))
        }
        registry.registerSource("pipe", accepting: ["pad-size", "keep-timestamp", "optional", "create-dirs", "perm"]) { (reader, ctx) throws(ConfigError) in
            let (path, _) = try reader.requiredPositional("a pipe name")
            var settings = try fileSourceSettings(reader, ctx, paths: .single(path), driverName: "pipe")
            settings.isPipe = true
            return FileSource.Config(settings: settings, policy: SourceRunPolicy(globals: ctx.globals))
        }
    }

    /// The options common to `file()`, `wildcard-file()` and `pipe()` sources.
    static func fileSourceSettings(_ reader: OptionReader, _ ctx: BuildContext, paths: FileSourceSettings.Paths,
                                   driverName: String) throws(ConfigError) -> FileSourceSettings {
        let flags = ctx.sourceOptions.flags
        var s = FileSourceSettings(paths: paths, driverName: driverName,
                                   maxSize: ctx.sourceOptions.logMsgSize ?? ctx.globals.logMsgSize)
        s.parse = !flags.contains("no-parse")
        s.syslogProtocol = flags.contains("syslog-protocol")
        s.defaultPriority = ctx.sourceOptions.defaultPriority
        if let f = try reader.double("follow-freq") { s.followFreq = f > 0 ? f : 1 }
        if let t = try reader.double("multi-line-timeout") { s.multiLineTimeout = max(0, t) }
        if let r = try reader.bool("read-old-records") { s.readOldRecords = r }
        func regex(_ name: String) throws(ConfigError) -> PCRERegex? {
            guard let o = reader.take(name) else { return nil }
            let text = try OptionReader.string(o, errors: ctx.errors)
            do throws(FilterError) {
                return try PCRERegex(text, caseless: false, utf: false, ucp: false, jit: true)
            } catch {
                throw ctx.errors.error("Error compiling \(name)() regular expression: \(error.message)", at: o.range)
            }
        }
        s.prefix = try regex("multi-line-prefix")
        s.garbage = try regex("multi-line-garbage")
        s.suffix = try regex("multi-line-suffix")
        if let o = reader.take("multi-line-mode") {
            let mode = try OptionReader.string(o, errors: ctx.errors)
            switch mode {
            case "none": s.multiLine = .none
            case "indented": s.multiLine = .indented
            case "regexp", "prefix-garbage", "prefix_garbage": s.multiLine = .prefixGarbage
            case "prefix-suffix", "prefix_suffix": s.multiLine = .prefixSuffix
            default:
                throw ctx.errors.error("Unknown multi-line-mode '\(mode)'; use none, indented, regexp, prefix-garbage or prefix-suffix",
                                       at: o.range)
            }
            if s.multiLine == .prefixGarbage && s.prefix == nil && s.garbage == nil {
                throw ctx.errors.error("multi-line-mode(\(mode)) requires multi-line-prefix() or multi-line-garbage()", at: o.range)
            }
            if s.multiLine == .prefixSuffix && (s.prefix == nil || s.suffix == nil) {
                throw ctx.errors.error("multi-line-mode(prefix-suffix) requires multi-line-prefix() and multi-line-suffix()", at: o.range)
            }
        }
        return s
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
