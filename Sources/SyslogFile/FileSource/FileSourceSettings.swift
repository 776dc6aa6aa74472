import SyslogFilters

/// What `file()`, `wildcard-file()` and `pipe()` sources were configured with.
struct FileSourceSettings: Sendable {
    enum Paths: Sendable {
        /// `file("PATH")`, `pipe("PATH")`.
        case single(String)
        /// `wildcard-file(base-dir() filename-pattern() recursive() max-files())`.
        case wildcard(baseDir: String, pattern: String, recursive: Bool, maxFiles: Int)
    }

    var paths: Paths
    /// `pipe()`: a FIFO, opened read-write so it never reports end of input, with no position.
    var isPipe = false
    var driverName: String
    /// `follow-freq()` in seconds: how often a file at its end is looked at again when no
    /// change notification came (inotify tells us sooner).
    var followFreq: Double = 1
    /// `flags(no-parse)`: a line is `$MSG` as it is.
    var parse = true
    /// `flags(syslog-protocol)`: lines are RFC 5424 (RFC 3164 when they are not).
    var syslogProtocol = false
    var maxSize: Int
    /// The PRI of a line without `<PRI>` (`default-facility()`, `default-severity()`).
    var defaultPriority: UInt16 = 13
    var multiLine: MultiLineMode = .none
    var prefix: PCRERegex?
    var garbage: PCRERegex?
    var suffix: PCRERegex?
    /// `multi-line-timeout()` in seconds: a held message is posted after this long without new
    /// data (0: held until the next message starts).
    var multiLineTimeout: Double = 0
    /// `read-old-records()`: a file without a saved position is read from its start (yes, the
    /// default) or from its end.
    var readOldRecords = true
    var persistent: Bool { !isPipe }

    func assembler() -> MultiLineAssembler {
        MultiLineAssembler(mode: multiLine, prefix: prefix, garbage: garbage, suffix: suffix, maxSize: maxSize)
    }

    /// The persist key of a file's position (syslog-ng's name for it).
    static func persistKey(_ path: String) -> String { "affile_sd_curpos(\(path))" }
}
