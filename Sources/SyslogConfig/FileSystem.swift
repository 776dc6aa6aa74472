import Glibc

/// The few file system operations the loader needs, on top of Glibc.
enum FileSystem {
    /// Why a file could not be read: the errno and its `strerror` text.
    struct Failure: Error {
        var code: Int32
        var text: String { FileSystem.errorText(code) }
    }

    /// The whole content of the file at `path`.
    static func read(_ path: String) -> Result<[UInt8], Failure> {
        guard let handle = fopen(path, "rb") else { return .failure(Failure(code: errno)) }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in
                fread(buffer.baseAddress, 1, buffer.count, handle)
            }
            bytes += chunk[0..<count]
            if count < chunk.count {
                if ferror(handle) != 0 { return .failure(Failure(code: errno)) }
                return .success(bytes)
            }
        }
    }

    /// `strerror(code)`.
    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    enum Kind { case regular, directory, other }

    /// What `path` is (following symbolic links), or the errno when it cannot be stat()ed.
    static func kind(of path: String) -> Result<Kind, Failure> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Failure(code: errno)) }
        switch info.st_mode & 0o170000 {
        case 0o100000: return .success(.regular)
        case 0o040000: return .success(.directory)
        default: return .success(.other)
        }
    }

    /// The regular files in `directory`, sorted, skipping names that start with `.` or end in `~`.
    static func regularFiles(in directory: String) -> Result<[String], Failure> {
        guard let handle = opendir(directory) else { return .failure(Failure(code: errno)) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: pointer.pointee)) {
                    String(cString: $0)
                }
            }
            if name.hasPrefix(".") || name.hasSuffix("~") { continue }
            let path = join(directory, name)
            if case .success(.regular) = kind(of: path) { names.append(path) }
        }
        return .success(names.sorted())
    }

    /// The paths matching the glob(3) `pattern`, sorted.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
        }
        return paths.sorted()
    }

    /// Whether `path` contains glob(3) wildcard characters.
    static func isPattern(_ path: String) -> Bool {
        path.contains("*") || path.contains("?") || path.contains("[")
    }

    /// The directory part of `path` (`.` when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `path` resolved against `directory` unless it is absolute.
    static func resolve(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("/") || directory == "." { return path }
        return join(directory, path)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
