import Synchronization
import Testing
import SyslogMessage

@Suite("LogMessage values, tags and clones")
struct LogMessageTests {
    @Test("builtin handles read back what was set")
    func valuesByHandle() {
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        m[.host] = .string("h1")
        m.set(.program, "prog")
        m[.pid] = .int(42)
        #expect(m[.host] == .string("h1"))
        #expect(m.text(.program) == "prog")
        #expect(m.text(.pid) == "42")
        #expect(m[.msgid] == nil)
        #expect(m.text(.msgid) == "")
    }

    @Test("names resolve to the builtin handles; MSG is an alias of MESSAGE")
    func valuesByName() {
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        m["MSG"] = .string("via alias")
        #expect(m[.message] == .string("via alias"))
        #expect(m["MESSAGE"] == .string("via alias"))
        #expect(m.entries.count == 1)
        m["HOST"] = .string("h")
        #expect(m[.host] == .string("h"))
        #expect(NameRegistry.shared.handle(for: "MSG") == .message)
        #expect(NameRegistry.shared.name(of: .message) == "MESSAGE")
        #expect(NameRegistry.shared.handle(for: "FULLHOST_FROM") == .hostFrom)
    }

    @Test("custom names are interned once and keep their canonical name")
    func customNames() {
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        m["test.custom.name"] = .string("v")
        let h = NameRegistry.shared.handle(for: "test.custom.name")
        #expect(h.raw > NVHandle.fileName.raw)
        #expect(NameRegistry.shared.handle(for: "test.custom.name") == h)
        #expect(NameRegistry.shared.existingHandle(for: "test.custom.name") == h)
        #expect(NameRegistry.shared.existingHandle(for: "test.never.interned.\(#line)") == nil)
        #expect(NameRegistry.shared.name(of: h) == "test.custom.name")
        #expect(m[h] == .string("v"))
    }

    @Test("overwriting keeps one entry in place; nil removes it")
    func overwriteAndRemove() {
        let m = LogMessage(message: "first", stamp: LogStamp(seconds: 0, utcOffset: 0))
        m[.host] = .string("h")
        m[.message] = .string("second")
        #expect(m.entries.count == 2)
        #expect(m.entries.map(\.handle) == [.message, .host])
        #expect(m.text(.message) == "second")
        m[.message] = .int(7)
        #expect(m[.message] == .int(7))
        m[.message] = nil
        #expect(m[.message] == nil)
        #expect(m.entries.map(\.handle) == [.host])
        m[.message] = nil
        #expect(m.entries.count == 1)
    }

    @Test("more values than fit inline: order, overwrite, removal and clones stay right")
    func manyValues() {
        let m = LogMessage(message: "m", stamp: LogStamp(seconds: 0, utcOffset: 0))
        let names = (0..<12).map { "test.many.\($0)" }  // beyond the 9 inline ones
        for (i, n) in names.enumerated() { m[n] = .int(Int64(i)) }
        #expect(m.entries.count == 13)
        #expect(m.entries.map(\.handle) == [.message] + names.map { NameRegistry.shared.handle(for: $0) })
        m[names[2]] = .string("two")
        m[names[0]] = nil
        m[.message] = nil
        #expect(m.entries.count == 11)
        #expect(m[names[2]] == .string("two"))
        #expect(m[names[0]] == nil && m[.message] == nil)
        let c = m.clone()
        m[names[8]] = .string("changed")
        #expect(c[names[8]] == .int(8))
        #expect(c.entries.map(\.handle) == m.entries.map(\.handle))
        // Removing from the inline part keeps the order of the rest.
        let small = LogMessage(message: "x", stamp: LogStamp(seconds: 0, utcOffset: 0))
        small[.host] = .string("h")
        small[.program] = .string("p")
        small[.host] = nil
        #expect(small.entries.map(\.handle) == [.message, .program])
        small[.pid] = .int(1)
        #expect(small.entries.map(\.handle) == [.message, .program, .pid])
    }

    @Test("setLocalDefaults adds HOST_FROM, HOST and SOURCE only when none is set")
    func localDefaults() {
        let m = LogMessage(message: "m", stamp: LogStamp(seconds: 0, utcOffset: 0))
        #expect(m.setLocalDefaults(host: .string("here"), source: .string("s")))
        #expect(m.entries.map(\.handle) == [.message, .hostFrom, .host, .source])
        #expect(m[.host] == .string("here") && m[.hostFrom] == .string("here") && m[.source] == .string("s"))
        let withHost = LogMessage(message: "m", stamp: LogStamp(seconds: 0, utcOffset: 0))
        withHost[.host] = .string("mine")
        #expect(!withHost.setLocalDefaults(host: .string("here"), source: .string("s")))
        #expect(withHost.entries.count == 2)
        let full = LogMessage(message: "m", stamp: LogStamp(seconds: 0, utcOffset: 0))
        // No room inline for three more pairs.
        for i in 0..<(LogMessage.inlineCapacity - 3) { full["test.full.\(i)"] = .int(Int64(i)) }
        #expect(!full.setLocalDefaults(host: .string("here"), source: .string("s")))
        #expect(full[.source] == nil)
    }

    @Test("tags keep insertion order and never repeat")
    func tags() {
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        m.addTag("b")
        m.addTag("a")
        m.addTag("b")
        m.addTag("c")
        #expect(m.tags == ["b", "a", "c"])
        #expect(m.hasTag("a"))
        m.removeTag("a")
        #expect(m.tags == ["b", "c"])
        #expect(!m.hasTag("a"))
        m.removeTag("missing")
        #expect(m.tags == ["b", "c"])
    }

    @Test("pri splits into facility and severity")
    func priParts() {
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        #expect(m.pri == 13)
        #expect(m.facility == 1 && m.severity == 5)
        m.pri = 23 * 8 + 7
        #expect(m.facility == 23 && m.severity == 7)
    }

    @Test("a clone is a deep copy that changes independently")
    func cloneIndependence() {
        let m = LogMessage(message: "orig", stamp: LogStamp(seconds: 100, microseconds: 5, utcOffset: 3600))
        m.received = LogStamp(seconds: 200, utcOffset: 0)
        m.pri = 30
        m.addTag("t1")
        m.sourceAddress = "10.0.0.1"
        m.rawSize = 17
        m.isLocal = true
        m.sequence = 9
        m.retainAck()
        let c = m.clone()
        #expect(c !== m)
        #expect(c.text(.message) == "orig")
        #expect(c.stamp == m.stamp && c.received == m.received)
        #expect(c.pri == 30 && c.tags == ["t1"] && c.sourceAddress == "10.0.0.1")
        #expect(c.rawSize == 17 && c.isLocal && c.sequence == 9)
        #expect(c.pendingAckCount == 0)
        #expect(c.ackTarget == nil)

        c[.message] = .string("changed")
        c[.host] = .string("new")
        c.addTag("t2")
        c.pri = 1
        #expect(m.text(.message) == "orig")
        #expect(m[.host] == nil)
        #expect(m.tags == ["t1"])
        #expect(m.pri == 30)
        m.removeTag("t1")
        #expect(c.tags == ["t1", "t2"])
    }

    final class AckCounter: MessageAckTarget {
        private let total = Atomic<Int>(0)
        var acked: Int { total.load(ordering: .relaxed) }
        func acknowledge(_ count: Int) { total.add(count, ordering: .relaxed) }
    }

    @Test("the last of several holders returns the window slot, once")
    func acknowledgement() {
        let target = AckCounter()
        let m = LogMessage(stamp: LogStamp(seconds: 0, utcOffset: 0))
        m.ackTarget = target
        m.retainAck(3)
        m.acknowledge()
        m.acknowledge()
        #expect(target.acked == 0)
        m.acknowledge()
        #expect(target.acked == 1)
        #expect(m.pendingAckCount == 0)
    }
}

extension LogMessage {
    var pendingAckCount: Int { pendingAcks.load(ordering: .relaxed) }
}

@Suite("LogMessage memory")
struct LogMessageMemoryTests {
    private final class OneWord { var a = 0 }

    /// The instance size the Swift runtime allocates for a class (its metadata's InstanceSize,
    /// a UInt32 at byte 24 of the class metadata on 64-bit platforms without Objective-C).
    private func instanceSize(_ c: AnyClass) -> Int {
        let metadata = unsafeBitCast(c, to: UnsafeRawPointer.self)
        return Int(metadata.load(fromByteOffset: 24, as: UInt32.self))
    }

    @Test("a name-value pair takes 24 bytes; a message with 9 inline pairs fits jemalloc's 384-byte class")
    func sizes() {
        #expect(instanceSize(OneWord.self) == 24)  // header (16) + one Int: the offset is right
        #expect(MemoryLayout<LogMessage.Entry>.stride == 24)
        #expect(instanceSize(LogMessage.self) <= 384, "\(instanceSize(LogMessage.self)) bytes")
    }
}
