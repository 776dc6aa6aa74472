#if canImport(Glibc)
import Glibc
#endif
import SyslogCore

/// The pid file (`-p`).
struct PidFile {
    let path: String

    func write() {
        let text = "\(getpid())\n"
        if !writeAtomically(path, text) {
            InternalLog.shared.error("Error creating pid file", [("file", path), ("error", lastError())])
        }
    }

    func remove() { unlink(path) }
}

func lastError() -> String { String(cString: strerror(errno)) }

/// Writes `text` to `path` through a temporary file and rename.
func writeAtomically(_ path: String, _ text: String) -> Bool {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    let ok = FileDescriptor.writeAll(fd, text)
    close(fd)
    guard ok, rename(tmp, path) == 0 else { unlink(tmp); return false }
    return true
}

/// The whole file as text, or nil.
func readFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 8192)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return String(decoding: out, as: UTF8.self)
}
