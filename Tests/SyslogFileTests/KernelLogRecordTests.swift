import Testing
import SyslogMessage
@testable import SyslogFile

/// Records as the kernel's `/dev/kmsg` hands them out, one per read.
@Suite struct KernelLogRecordTests {
    static func parse(_ text: String) -> KernelLogSource.Record? {
        let bytes = Array(text.utf8)
        return KernelLogSource.parse(bytes[...])
    }

    @Test("PRI, sequence number and text; KEY=VALUE lines become .linux.KEY")
    func record() throws {
        let r = try #require(Self.parse("6,1234,5678901,-;usb 1-1: new high-speed USB device\n SUBSYSTEM=usb\n DEVICE=c189:1\n"))
        #expect(r.sequence == 1234)
        #expect(r.message.pri == 6)
        #expect(r.message["MESSAGE"]?.text == "usb 1-1: new high-speed USB device")
        #expect(r.message[".linux.SUBSYSTEM"]?.text == "usb")
        #expect(r.message[".linux.DEVICE"]?.text == "c189:1")
    }

    @Test("A user-space record keeps its facility; extra prefix fields and a text with ';' and ',' are fine")
    func userRecord() throws {
        let r = try #require(Self.parse("14,7,100,c,caller=T1;app: a; b, c\n"))
        #expect(r.message.pri == 14)
        #expect(r.message.facility == 1)
        #expect(r.message["MESSAGE"]?.text == "app: a; b, c")
    }

    @Test("Not a record: no ';', a non-numeric PRI or sequence, too few fields")
    func notRecords() {
        #expect(Self.parse("no separator here\n") == nil)
        #expect(Self.parse("x,1,2,-;text\n") == nil)
        #expect(Self.parse("6,y,2,-;text\n") == nil)
        #expect(Self.parse("6,1;text\n") == nil)
    }
}
