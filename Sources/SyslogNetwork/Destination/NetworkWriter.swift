#if canImport(Glibc)
import Glibc
#endif
import NIOSSL
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// `network()`, `syslog()`, `tcp()`, `udp()` destinations: renders each message and sends it
/// on a blocking socket from the destination's worker thread (the worker is a thread of its
/// own, so an event loop would only add a hop). TCP connects on first use and again after a
/// failure (the worker waits `time-reopen()` in between); a peer that closed the connection is
/// noticed before the next batch is sent.
final class NetworkWriter: DestinationWriter {
    struct Settings: Sendable {
        enum Transport: String, Sendable { case tcp, udp }
        var transport: Transport
        var host: String
        var port: Int
        /// The record as sent (for `syslog()` without its length).
        var template: Template
        /// `syslog()`: each record is sent as `LEN SP RECORD` (RFC 6587 octet counting).
        var octetCounted: Bool
        var driverName: String
        /// A connect that has not completed after this many seconds fails.
        var connectTimeout: Double
        /// `transport("tls")`: the context made when the configuration initialised.
        var tls: TLSContextBox?
    }

    let settings: Settings
    private var fd: Int32 = -1
    private var ctx = TemplateRenderContext()
    private var record: [UInt8] = []
    private var out: [UInt8] = []
    /// Where each message of the batch ends in `out`.
    private var ends: [Int] = []
    private var lastError = ""
    /// The TLS connection (`transport("tls")`); `fd` is unused then.
    private var tlsStream: TLSStream?

    init(_ settings: Settings) {
        self.settings = settings
        out.reserveCapacity(256 * 1024)
    }

    var server: String { "\(settings.host):\(settings.port)" }

    func write(_ batch: ArraySlice<QueuedMessage>) -> Int {
        guard connected() else { return 0 }
        out.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        for q in batch {
            if settings.octetCounted {
                record.removeAll(keepingCapacity: true)
                settings.template.render(q.message, into: &record, context: &ctx)
                out.append(contentsOf: String(record.count).utf8)
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: record)
            } else {
                settings.template.render(q.message, into: &out, context: &ctx)
            }
            ends.append(out.count)
        }
        if settings.tls != nil { return sendTLS() }
        return settings.transport == .udp ? sendDatagrams(batch.count) : sendStream()
    }

    /// Sends `out` over TLS: all of the batch, or none of it (sent again after time-reopen).
    private func sendTLS() -> Int {
        guard let stream = tlsStream else { return 0 }
        do {
            try stream.send(out)
            return ends.count
        } catch {
            report("Error sending message", String(describing: error))
            close()
            return 0
        }
    }

    /// Sends `out`; returns how many messages went out whole.
    private func sendStream() -> Int {
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                fail("Error sending message", errno: errno)
                break
            }
            sent += n
        }
        // Messages whose last byte went out count as written.
        var whole = 0
        while whole < ends.count && ends[whole] <= sent { whole += 1 }
        return whole
    }

    private func sendDatagrams(_ count: Int) -> Int {
        var start = 0
        for (i, end) in ends.enumerated() {
            var n: Int
            repeat {
                n = out.withUnsafeBytes { raw in
                    Glibc.send(fd, raw.baseAddress! + start, end - start, Int32(MSG_NOSIGNAL))
                }
            } while n < 0 && errno == EINTR
            // A datagram the kernel refused (no listener: ECONNREFUSED from an earlier ICMP
            // error) is lost, as UDP is; the next ones are sent.
            if n < 0 && errno != ECONNREFUSED {
                fail("Error sending message", errno: errno)
                return i
            }
            start = end
        }
        return count
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        tlsStream?.close()
        tlsStream = nil
    }

    // MARK: connection

    /// Connected (connecting if needed); false after logging why not.
    private func connected() -> Bool {
        if let box = settings.tls {
            if let s = tlsStream, s.isOpen { return true }
            if tlsStream != nil {
                InternalLog.shared.notice("Syslog connection closed by the server, reconnecting",
                                          [("driver", settings.driverName), ("server", server)])
                close()
            }
            guard let context = box.context else { return false }
            let stream = TLSStream()
            do {
                try stream.connect(host: settings.host, port: settings.port, context: context,
                                   verifyHostname: box.verifyHostname, timeout: settings.connectTimeout)
            } catch {
                stream.close()
                report("Connection failed", String(describing: error))
                return false
            }
            tlsStream = stream
            if !lastError.isEmpty {
                InternalLog.shared.notice("Syslog connection established", [("driver", settings.driverName), ("server", server)])
            }
            lastError = ""
            return true
        }
        if fd >= 0 {
            if settings.transport == .udp || !peerClosed() { return true }
            InternalLog.shared.notice("Syslog connection closed by the server, reconnecting",
                                      [("driver", settings.driverName), ("server", server)])
            close()
        }
        return connect()
    }

    /// Whether the server closed the connection (a readable socket with nothing to read).
    private func peerClosed() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 0) > 0 else { return false }
        if pfd.revents & Int16(POLLERR | POLLHUP) != 0 { return true }
        var b: UInt8 = 0
        let n = recv(fd, &b, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if n == 0 { return true }
        if n > 0 {
            // A server that talks back: read and ignore it.
            var sink = [UInt8](repeating: 0, count: 4096)
            _ = sink.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            return false
        }
        return errno != EAGAIN && errno != EWOULDBLOCK
    }

    private func connect() -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(settings.transport == .udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(settings.host, String(settings.port), &hints, &res)
        guard rc == 0, let first = res else {
            let reason = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
            report("Error resolving hostname", reason)
            return false
        }
        defer { freeaddrinfo(res) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s >= 0 {
                if connectWithTimeout(s, a.pointee.ai_addr, a.pointee.ai_addrlen) {
                    fd = s
                    if !lastError.isEmpty {
                        InternalLog.shared.notice("Syslog connection established",
                                                  [("driver", settings.driverName), ("server", server)])
                    }
                    lastError = ""
                    return true
                }
                let e = errno
                Glibc.close(s)
                errno = e
            }
            ai = a.pointee.ai_next
        }
        report("Connection failed", String(cString: strerror(errno)) + " (\(errno))")
        return false
    }

    private func connectWithTimeout(_ s: Int32, _ addr: UnsafeMutablePointer<sockaddr>!, _ len: socklen_t) -> Bool {
        let flags = fcntl(s, F_GETFL)
        _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(s, F_SETFL, flags) }
        if Glibc.connect(s, addr, len) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var pfd = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
        guard poll(&pfd, 1, Int32(settings.connectTimeout * 1000)) > 0 else {
            errno = ETIMEDOUT
            return false
        }
        var err: Int32 = 0
        var errLen = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &errLen)
        if err != 0 { errno = err }
        return err == 0
    }

    private func fail(_ what: String, errno e: Int32) {
        report(what, String(cString: strerror(e)) + " (\(e))")
        close()
    }

    /// Logs a failure once until the next success (the worker retries after time-reopen).
    private func report(_ what: String, _ reason: String) {
        let key = what + reason
        guard key != lastError else { return }
        lastError = key
        InternalLog.shared.error(what, [("driver", settings.driverName), ("server", server), ("error", reason)])
    }
}

/// A TLS destination's context, made when the configuration initialises (a bad certificate
/// refuses the configuration) and read by the worker.
final class TLSContextBox: @unchecked Sendable {
    // Invariant for @unchecked Sendable: `context` is set by `initialize` on the control thread
    // before the worker starts, and only read afterwards.
    let settings: TLSSettings
    let verifyHostname: Bool
    private(set) var context: NIOSSLContext?

    init(_ settings: TLSSettings, host: String) {
        self.settings = settings
        // A host given as an address is not checked against the certificate's names.
        self.verifyHostname = !host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
    }

    func initialize() throws(PipelineInitError) {
        context = try settings.clientContext(hostnameCheck: verifyHostname)
    }
}
