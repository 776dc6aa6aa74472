#if canImport(Glibc)
import Glibc
#endif

/// Plain loopback sockets for the network end-to-end tests (the daemon's peers).
enum NetSockets {
    static func address(_ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }

    /// A TCP connection to 127.0.0.1:`port`, or -1.
    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = address(port)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); return -1 }
        return fd
    }

    /// Writes all of `bytes`; false on error.
    @discardableResult
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    @discardableResult
    static func send(_ fd: Int32, _ text: String) -> Bool { send(fd, Array(text.utf8)) }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var a = sockaddr_un()
        a.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &a.sun_path) { raw in
            for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        return a
    }

    /// A connection to the unix stream socket at `path`, or -1.
    static func unixConnect(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var a = unixAddress(path)
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { close(fd); return -1 }
        return fd
    }

    /// One datagram to the unix datagram socket at `path`; false when it could not be sent.
    @discardableResult
    static func unixSendDatagram(_ path: String, _ text: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var a = unixAddress(path)
        let bytes = Array(text.utf8)
        let n = withUnsafePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, bytes.count, 0, sa, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        return n == bytes.count
    }

    /// One datagram to 127.0.0.1:`port`.
    static func sendDatagram(_ port: Int, _ text: String) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var a = address(port)
        let bytes = Array(text.utf8)
        _ = withUnsafePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, bytes.count, 0, sa, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    /// Whether the peer closed `fd` within `timeout` seconds (reads and discards data).
    static func closedByPeer(_ fd: Int32, timeout: Double) -> Bool {
        let deadline = now() + timeout
        var buf = [UInt8](repeating: 0, count: 4096)
        while now() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { return true }
            }
        }
        return false
    }

    /// A listening TCP socket on 127.0.0.1, port picked by the kernel.
    static func listen() -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = address(0)
        _ = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        Glibc.listen(fd, 16)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, Int(UInt16(bigEndian: bound.sin_port)))
    }

    /// Accepts one connection within `timeout` seconds, or -1.
    static func accept(_ listener: Int32, timeout: Double) -> Int32 {
        var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { return -1 }
        return Glibc.accept(listener, nil, nil)
    }

    /// Reads from `fd` until `done(received)` or `timeout` seconds pass.
    static func read(_ fd: Int32, timeout: Double, until done: ([UInt8]) -> Bool) -> [UInt8] {
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        let deadline = now() + timeout
        while now() < deadline && !done(got) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            got += buf[0..<n]
        }
        return got
    }
}

extension PythonSourceEndToEndTests.Scratch {
    /// The addresses the daemon's network sources listen on, in configuration order
    /// (`Accepting connections; driver='…', addr='127.0.0.1:PORT'`, logged with `-v`).
    func listeningPorts() -> [Int] {
        stderr.split(separator: "\n").compactMap { line -> Int? in
            let marker = "addr='127.0.0.1:"
            guard line.contains("Accepting "), let r = line.ranges(of: marker).first else { return nil }
            // Only a complete line (the file may be read while the daemon writes it).
            let digits = line[r.upperBound...].prefix { $0.isNumber }
            guard line[digits.endIndex...].hasPrefix("'") else { return nil }
            return Int(digits)
        }
    }

    /// Starts the daemon with `-v` and waits until `count` sources listen; their ports.
    func startListening(_ count: Int, env: [String: String] = [:]) throws -> (DaemonProcess, [Int]) {
        let d = try start(["-v"], env: env)
        _ = waitUntil(timeout: 10) { listeningPorts().count >= count }
        return (d, listeningPorts())
    }
}
