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
