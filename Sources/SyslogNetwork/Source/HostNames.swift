#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogCore

/// Senders' names for `use-dns()`, cached as syslog-ng's `dns-cache()` does (an hour for a name,
/// a minute for an address without one). Resolution runs on the listener's loop thread, once
/// per connection (TCP) or per new sender (UDP), as syslog-ng resolves synchronously.
enum HostNames {
    private struct Entry {
        var name: String?
        var expires: Double
    }
    private static let cache = Mutex<[String: Entry]>([:])
    private static let maxEntries = 1007
    /// `/etc/hosts`, for `use-dns(persist_only)`: address → first name.
    private static let hostsFile: [String: String] = readHostsFile()

    /// Whether `ip`'s name (or its lack of one) is cached: ``name(for:mode:fqdn:)`` will not block.
    static func isCached(_ ip: String) -> Bool { cachedEntry(ip, now: monotonicSeconds()) != nil }

    /// The cache entry for `ip` that has not expired at `now`.
    private static func cachedEntry(_ ip: String, now: Double) -> Entry? {
        cache.withLock { $0[ip].flatMap { $0.expires > now ? $0 : nil } }
    }

    /// The name for `ip` (nil: keep the address), shortened to its first label without
    /// `use-fqdn()`.
    static func name(for ip: String, mode: DNSMode, fqdn: Bool) -> String? {
        guard mode != .no else { return nil }
        let now = monotonicSeconds()
        let full: String?
        if let cached = cachedEntry(ip, now: now) {
            full = cached.name
        } else {
            full = mode == .persistOnly ? hostsFile[ip] : lookup(ip)
            cache.withLock { c in
                if c.count >= maxEntries { c.removeAll() }
                c[ip] = Entry(name: full, expires: now + (full == nil ? 60 : 3600))
            }
        }
        guard let full else { return nil }
        if fqdn { return full }
        return String(full.split(separator: ".", maxSplits: 1).first ?? Substring(full))
    }

    private static func lookup(_ ip: String) -> String? {
        var storage = sockaddr_storage()
        var len: socklen_t
        if ip.contains(":") {
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, ip, &a.sin6_addr) == 1 else { return nil }
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: a) { dst.copyMemory(from: $0) } }
            len = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, ip, &a.sin_addr) == 1 else { return nil }
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: a) { dst.copyMemory(from: $0) } }
            len = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        var host = [CChar](repeating: 0, count: 1025)
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, len, &host, socklen_t(host.count), nil, 0, NI_NAMEREQD)
            }
        }
        guard rc == 0 else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readHostsFile() -> [String: String] {
        guard let f = fopen("/etc/hosts", "r") else { return [:] }
        defer { fclose(f) }
        var map: [String: String] = [:]
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), f) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) ?? []
            if fields.count >= 2, map[String(fields[0])] == nil { map[String(fields[0])] = String(fields[1]) }
        }
        return map
    }
}
