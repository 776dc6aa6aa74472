import SyslogConfig
import SyslogMessage

/// A source driver as the configuration wrote it: a value read (and checked) from its option
/// block by the driver's factory, with nothing started and nothing made in Python yet. `build`
/// turns it into the runtime driver of one configuration generation; statements no log path uses
/// are checked this way without being built. (Destinations follow the same split:
/// ``DestinationSpec`` is the value, its `makeWriter` the build step.)
public protocol SourceDriverConfig: Sendable {
    /// The runtime driver (inert until the pipeline initializes and starts it).
    func build(_ ctx: BuildContext) -> any SourceDriver
}

/// A running source driver (`internal()`, `stdin()`, `example-msg-generator()`, later `python()`).
///
/// The pipeline calls `start` once with the poster the driver must use from its own thread,
/// then `requestStop` and `join` at shutdown or reload.
public protocol SourceDriver: AnyObject, Sendable {
    /// The driver name as written in the config, e.g. `stdin`.
    var driverName: String { get }
    /// Starts producing; messages go through `poster` from the driver's own thread.
    func start(_ poster: SourcePoster)
    /// Asks the driver to stop producing (called from the control thread).
    func requestStop()
    /// Waits until the driver's thread has ended; false when it did not end in time and was
    /// abandoned (its poster must then stay alive and open).
    @discardableResult
    func join() -> Bool
    /// True for drivers that parse syslog headers: they apply `default-facility()` and
    /// `default-severity()` only to input without `<PRI>`; for the others the pipeline
    /// overwrites the PRI of every message.
    var parsesPriority: Bool { get }
    /// Prepares the driver before anything starts (syslog-ng's init phase; the Python source
    /// creates its object and calls `init()` here). Throwing makes start-up exit with 2, or a
    /// reload revert.
    func initialize() throws(PipelineInitError)
    /// Undoes ``initialize()`` after the driver stopped (Python's `deinit()`).
    func deinitialize()
    /// The driver's persist name when it has one; names must be unique in a configuration.
    var persistName: String? { get }
    /// Whether the source may wait while a destination without flow control is busy (sources
    /// that read at their own pace); false for sources that must drop instead (UDP).
    var canWait: Bool { get }
}

extension SourceDriver {
    public var parsesPriority: Bool { false }
    public func initialize() throws(PipelineInitError) {}
    public func deinitialize() {}
    public var persistName: String? { nil }
    public var canWait: Bool { true }
}

extension SourceOptions {
    /// The PRI for input without a `<PRI>` header: the defaults over user.notice.
    public var defaultPriority: UInt16 {
        UInt16((defaultFacility ?? 1) * 8 + (defaultSeverity ?? 5))
    }
}

/// Options every source driver takes (syslog-ng's source options).
public struct SourceOptions: Sendable {
    public var logIWSize = 100
    public var keepHostname: Bool? = nil
    public var chainHostnames: Bool? = nil
    public var tags: [String] = []
    public var hostOverride: String? = nil
    public var programOverride: String? = nil
    public var defaultFacility: Int? = nil
    public var defaultSeverity: Int? = nil
    public var logMsgSize: Int? = nil
    /// `use-dns()`, `use-fqdn()` of the source (nil: the global ones).
    public var useDNS: DNSMode? = nil
    public var useFQDN: Bool? = nil
    /// `flags()`, `_` folded to `-`, read once for every source driver.
    public var flags: [String] = []
    /// Where `flags()` is written (for a driver's error about one of them).
    public var flagsRange: SourceRange? = nil
    public init() {}
}
