import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslogCore

/// The persist file's journal: typed values survive reopening, a torn or damaged tail is
/// ignored (old values kept), compaction keeps the file bounded, the old text format is read.
@Suite struct PersistStoreTests {
    static func tempPath() -> String {
        var template = Array("/tmp/persist-test-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        return dir + "/persist"
    }

    @Test func valuesSurviveReopen() throws {
        let path = Self.tempPath()
        let a = try PersistStore(path: path)
        #expect(a.set("s", .string("text")))
        #expect(a.set("i", .int(-42)))
        #expect(a.set("b", .bytes([0, 1, 255])))
        #expect(a.set("gone", .int(1)))
        #expect(a.remove("gone"))
        let b = try PersistStore(path: path)
        #expect(b.get("s") == .string("text"))
        #expect(b.get("i") == .int(-42))
        #expect(b.get("b") == .bytes([0, 1, 255]))
        #expect(b.get("gone") == nil)
        #expect(b.keys(withPrefix: "") == ["b", "i", "s"])
    }

    @Test func tornTailKeepsTheOldValue() throws {
        let path = Self.tempPath()
        let a = try PersistStore(path: path)
        #expect(a.set("pos", .int(1)))
        #expect(a.set("pos", .int(2)))
        let whole = PersistStore.readAll(path) ?? []
        let last = PersistStore.record(op: 1, key: "pos", value: .int(2)).count
        // Every cut inside the last record leaves the value before it.
        for cut in 1..<last {
            let fd = open(path, O_WRONLY | O_TRUNC)
            let part = Array(whole.prefix(whole.count - cut))
            _ = part.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            #expect(PersistStore.decode(part)[Array("pos".utf8)] == .int(1), "cut \(cut)")
        }
        // A flipped byte in the last record: its checksum fails, the old value stands.
        var damaged = whole
        damaged[damaged.count - 2] ^= 0xFF
        #expect(PersistStore.decode(damaged)[Array("pos".utf8)] == .int(1))
        #expect(PersistStore.decode(whole)[Array("pos".utf8)] == .int(2))
    }

    @Test func compactionKeepsTheFileSmall() throws {
        let path = Self.tempPath()
        let a = try PersistStore(path: path)
        for i in 0..<20000 { #expect(a.set("pos", .int(Int64(i)))) }
        #expect(a.fileSize < 100 * 1024)
        #expect(try PersistStore(path: path).get("pos") == .int(19999))
    }

    @Test func oldTextFormatIsRead() throws {
        let path = Self.tempPath()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let text = "# syslog-swift persist file; do not edit while the daemon runs\nrun_id=7\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        #expect(try PersistStore(path: path).get("run_id") == .string("7"))
    }

    @Test func keysAreCodePointsNotCanonicalEquivalents() throws {
        let a = try PersistStore(path: Self.tempPath())
        #expect(a.set("ns##\u{E9}", .int(1)))
        #expect(a.set("ns##e\u{301}", .int(2)))
        #expect(a.get("ns##\u{E9}") == .int(1))
        #expect(a.get("ns##e\u{301}") == .int(2))
        #expect(a.keys(withPrefix: "ns##").count == 2)
        #expect(a.set("ns#", .int(3)))
        #expect(a.keys(withPrefix: "ns##").count == 2)
    }

    @Test func tooLargeValuesAreRefused() throws {
        let a = try PersistStore(path: Self.tempPath())
        #expect(!a.set("big", .bytes([UInt8](repeating: 1, count: PersistStore.maxEntrySize + 1))))
        #expect(a.get("big") == nil)
    }
}
