import Synchronization

/// A handle to an interned name of a name-value pair. Builtin names have fixed small handles.
public struct NVHandle: Hashable, Sendable, Comparable {
    public let raw: UInt32
    public init(raw: UInt32) { self.raw = raw }
    public static func < (a: NVHandle, b: NVHandle) -> Bool { a.raw < b.raw }

    public static let host = NVHandle(raw: 1)
    public static let hostFrom = NVHandle(raw: 2)
    public static let message = NVHandle(raw: 3)
    public static let program = NVHandle(raw: 4)
    public static let pid = NVHandle(raw: 5)
    public static let msgid = NVHandle(raw: 6)
    public static let source = NVHandle(raw: 7)
    public static let legacyMsghdr = NVHandle(raw: 8)
    public static let transport = NVHandle(raw: 9)
    public static let rawmsg = NVHandle(raw: 10)
    public static let fileName = NVHandle(raw: 11)

    /// The names of the builtin handles, in handle order (index = raw - 1).
    static let builtinNames = ["HOST", "HOST_FROM", "MESSAGE", "PROGRAM", "PID", "MSGID", "SOURCE",
                               "LEGACY_MSGHDR", "TRANSPORT", "RAWMSG", "FILE_NAME"]
}

/// The process-wide table of interned value names (like syslog-ng's `logmsg_registry`).
///
/// - Note: Lookups take a lock; resolve names once at config-build time and keep the handle.
public final class NameRegistry: Sendable {
    public static let shared = NameRegistry()

    private struct State {
        var byName: [String: NVHandle] = [:]
        var names: [String] = []
    }
    private let state: Mutex<State>

    private init() {
        var s = State()
        for (i, n) in NVHandle.builtinNames.enumerated() {
            s.byName[n] = NVHandle(raw: UInt32(i + 1))
            s.names.append(n)
        }
        // Aliases kept by syslog-ng.
        s.byName["MSG"] = .message
        s.byName["FULLHOST_FROM"] = .hostFrom
        state = Mutex(s)
    }

    /// The handle for `name`, interning it if needed.
    public func handle(for name: String) -> NVHandle {
        state.withLock { s in
            if let h = s.byName[name] { return h }
            s.names.append(name)
            let h = NVHandle(raw: UInt32(s.names.count))
            s.byName[name] = h
            return h
        }
    }

    /// The handle for `name` if it was interned before.
    public func existingHandle(for name: String) -> NVHandle? {
        state.withLock { $0.byName[name] }
    }

    /// The canonical name of a handle.
    public func name(of handle: NVHandle) -> String {
        state.withLock { s in
            let i = Int(handle.raw) - 1
            return i >= 0 && i < s.names.count ? s.names[i] : ""
        }
    }
}
