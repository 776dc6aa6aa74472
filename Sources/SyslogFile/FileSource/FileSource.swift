#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslogCore
import SyslogMessage

/// `file("PATH")`, `wildcard-file(...)` and `pipe("PATH")` sources: one thread follows the
/// source's files, woken by inotify (the files' directories are watched) and at least every
/// `follow-freq()` seconds.
///
/// A file source can wait: it is never dropped from, it reads no further while the pipeline
/// is full. Each file's position (the offset after the last acknowledged line) is saved in the
/// persist file; a reload hands the read position to the next instance, so nothing is read
/// twice or skipped.
final class FileSource: ThreadedSourceBody, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `settings` is immutable; `stopRequested` is atomic;
    // `sequence` is used by the source thread only; `handovers` is a mutex.
    let settings: FileSourceSettings
    let driverName: String
    let threadName: String
    var parsesPriority: Bool { settings.parse }
    private let stopRequested = Atomic<Bool>(false)
    /// The number of the last message posted ($SEQNUM; acknowledgements find their line by it).
    private var sequence: UInt64 = 0
    /// Where stopped instances left their files (path → hand-over), for the next instance.
    private static let handovers = Mutex<[String: FileHandover]>([:])
    /// Paths already reported missing (logged once per source instance).
    private var reportedMissing = Set<String>()
    private var reportedLimit = false

    init(settings: FileSourceSettings) {
        self.settings = settings
        self.driverName = settings.driverName
        switch settings.paths {
        case .single(let p): threadName = "src:" + (p.split(separator: "/").last.map(String.init) ?? p)
        case .wildcard(_, let pattern, _, _): threadName = "src:" + pattern
        }
    }

    var persistName: String? {
        switch settings.paths {
        case .single(let p): return FileSourceSettings.persistKey(p)
        case .wildcard(let dir, let pattern, _, _): return "affile_sd_wildcard(\(dir)/\(pattern))"
        }
    }

    var logPairs: [(String, String)] {
        switch settings.paths {
        case .single(let p): return [("driver", driverName), ("filename", p)]
        case .wildcard(let dir, let pattern, _, _): return [("driver", driverName), ("base_dir", dir), ("filename_pattern", pattern)]
        }
    }

    func requestExit() { stopRequested.store(true, ordering: .relaxed) }

    // MARK: the source thread

    func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        let notify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        defer { if notify >= 0 { Glibc.close(notify) } }
        var watched = Set<String>()
        var files: [FollowedFile] = []
        var byPath: [String: FollowedFile] = [:]

        let post: FollowedFile.Post = { [self] msg, tracker, end in
            sequence &+= 1
            msg.sequence = sequence
            msg.ackTarget = tracker
            tracker.posted(sequence: sequence, end: end)
            poster.post(msg)
        }

        func watch(_ dir: String) {
            guard notify >= 0, !watched.contains(dir) else { return }
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB)
            if inotify_add_watch(notify, dir, mask) >= 0 { watched.insert(dir) }
        }

        func follow(_ path: String, firstTime: Bool) {
            if byPath[path] == nil {
                if case .wildcard(_, _, _, let maxFiles) = settings.paths, byPath.count >= maxFiles {
                    if !reportedLimit {
                        reportedLimit = true
                        InternalLog.shared.warning("Number of allowed monitored files reached, not following more",
                                                   logPairs + [("max_files", String(maxFiles)), ("filename", path)])
                    }
                    return
                }
                let f = FollowedFile(path: path, settings: settings)
                byPath[path] = f
                files.append(f)
            }
            let f = byPath[path]!
            guard !f.isOpen else { return }
            let handover = FileSource.handovers.withLock { $0.removeValue(forKey: path) }
            if f.open(poster: poster, firstTime: firstTime, handover: handover) {
                reportedMissing.remove(path)
            } else if !reportedMissing.contains(path) {
                reportedMissing.insert(path)
                InternalLog.shared.info("Follow-mode file source not found, deferring open",
                                        [("filename", path), ("error", String(cString: strerror(errno)))])
            }
        }

        func discover(firstTime: Bool) {
            switch settings.paths {
            case .single(let path):
                watch(FileSource.directory(of: path))
                follow(path, firstTime: firstTime)
            case .wildcard(let dir, let pattern, let recursive, _):
                for path in FileSource.matching(in: dir, pattern: pattern, recursive: recursive, dirs: { watch($0) }) {
                    if byPath[path] == nil || !byPath[path]!.isOpen { follow(path, firstTime: firstTime) }
                }
            }
        }

        discover(firstTime: true)
        var lastLook = monotonicSeconds()
        var look = true
        while !stopRequested.load(ordering: .relaxed) {
            var progressed = false
            if look {
                discover(firstTime: false)
                for f in files where !stopRequested.load(ordering: .relaxed) {
                    progressed = pumpFile(f, poster, post) || progressed
                }
                files.removeAll { f in
                    guard f.gone, !f.isOpen, case .wildcard = settings.paths else { return false }
                    byPath[f.path] = nil
                    return true
                }
                lastLook = monotonicSeconds()
            }
            if progressed { continue }
            poster.closeBatch()
            for f in files { f.savePosition() }
            // Wait for a change notice (or a pipe's data), at most until the next look.
            var fds = [pollfd(fd: notify, events: Int16(POLLIN), revents: 0)]
            if settings.isPipe { for f in files where f.isOpen { fds.append(pollfd(fd: f.fd, events: Int16(POLLIN), revents: 0)) } }
            let wait = max(0, min(0.1, settings.followFreq - (monotonicSeconds() - lastLook)))
            let r = poll(&fds, nfds_t(fds.count), Int32(wait * 1000))
            look = monotonicSeconds() - lastLook >= settings.followFreq
            if r > 0 {
                if fds[0].revents != 0 { FileSource.drain(notify) }
                look = true
            }
        }
        poster.closeBatch()
        for f in files {
            f.savePosition()
            if let h = f.handOver() { FileSource.handovers.withLock { $0[f.path] = h } }
            f.close()
        }
        return .returned
    }

    /// Reads one file for a while; notices rotation, truncation and deletion at its end.
    private func pumpFile(_ f: FollowedFile, _ poster: SourcePoster,
                          _ post: FollowedFile.Post) -> Bool {
        guard f.isOpen else { return false }
        var rounds = 0
        // A bounded number of chunks per file and turn: other files are not starved.
        while rounds < 16, !stopRequested.load(ordering: .relaxed), f.pump(post) {
            rounds += 1
            // One persist write per chunk: a crash repeats at most what was not acknowledged
            // plus one chunk's lines.
            f.savePosition()
        }
        if rounds > 0 { return true }
        switch f.checkChange() {
        case .none:
            f.flushIfIdle(post)
            return false
        case .truncated:
            f.restartAfterTruncation(poster: poster)
            return true
        case .replaced:
            // Rotated: the old file is read to its end (done), the new one from its start.
            f.finishFile(post)
            f.savePosition()
            f.close()
            InternalLog.shared.notice("Follow-mode file source moved, tracking of the new file is started",
                                      [("filename", f.path)])
            f.open(poster: poster, firstTime: false, handover: nil)
            return true
        case .gone:
            // Deleted or renamed away: a writer may still append to it, so a single file is
            // kept open and read until a new file takes its name; a wildcard's is let go.
            f.flushIfIdle(post)
            guard case .wildcard = settings.paths else { return false }
            f.finishFile(post)
            f.savePosition()
            f.close()
            f.markGone()
            return false
        }
    }

    // MARK: helpers

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Drains pending inotify events (what changed is found by looking at the files).
    static func drain(_ fd: Int32) {
        var buf = [UInt8](repeating: 0, count: 4096)
        while buf.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Regular files under `dir` whose names match the glob `pattern`, sorted; `dirs` is
    /// called with each directory looked at.
    static func matching(in dir: String, pattern: String, recursive: Bool, dirs: (String) -> Void) -> [String] {
        var out: [String] = []
        var pending = [dir]
        var seen = 0
        while let d = pending.popLast(), seen < 10_000 {
            seen += 1
            dirs(d)
            guard let h = opendir(d) else { continue }
            defer { closedir(h) }
            while let e = readdir(h) {
                let name = withUnsafePointer(to: e.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let full = d.hasSuffix("/") ? d + name : d + "/" + name
                var st = stat()
                guard stat(full, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    if recursive { pending.append(full) }
                } else if (st.st_mode & S_IFMT) == S_IFREG, fnmatch(pattern, name, 0) == 0 {
                    out.append(full)
                }
            }
        }
        return out.sorted()
    }

    struct Config: SourceDriverConfig {
        let settings: FileSourceSettings
        let policy: SourceRunPolicy
        func build(_ ctx: BuildContext) -> any SourceDriver {
            ThreadedSource(FileSource(settings: settings), policy: policy)
        }
    }
}
