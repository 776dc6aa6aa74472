import SyslogConfig
#if canImport(Glibc)
import Glibc
#endif

/// Where this installation lives, for `get_installation_path_for()` (spec §9): the prefix is
/// the parent of the directory holding the executable (`<prefix>/bin/syslog-swift`, or the
/// build directory of a source checkout).
enum InstallPaths {
    /// The running executable's path, symbolic links resolved.
    static var executable: String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, 4095)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var prefix: String {
        guard let exe = executable else { return "/usr" }
        let parts = exe.split(separator: "/", omittingEmptySubsequences: false)
        let prefix = parts.dropLast(2).joined(separator: "/")
        return prefix.isEmpty ? "/" : prefix
    }

    /// `text` with `${prefix}`, `${exec_prefix}`, `${datadir}` and `${moduledir}` replaced.
    static func expand(_ text: String) -> String {
        guard text.hasOccurrence(of: "${") else { return text }
        let p = prefix
        let module = PythonPlugin.packageDirectory ?? PythonPlugin.findPackageDirectory() ?? p + "/share/syslog-swift/python"
        return text.substituting("${exec_prefix}", with: p)
            .substituting("${prefix}", with: p)
            .substituting("${datadir}", with: p + "/share")
            .substituting("${moduledir}", with: module)
    }
}
