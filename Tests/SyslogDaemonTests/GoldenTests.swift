import Testing
import SyslogTesting

/// The golden folders of `Tests/Golden/`: each configuration gives its `expected` output, both
/// built in this process and through the real binary.
@Suite(.serialized, .timeLimit(.minutes(2))) struct GoldenTests {
    static let cases = GoldenCase.all(in: DaemonProcess.packageRoot + "/Tests/Golden")

    @Test func thereAreGoldenCases() {
        #expect(Self.cases.count >= 4)
    }

    @Test("in-process", arguments: cases.map(\.name))
    func inProcess(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let got = try c.runInProcess()
        #expect(String(decoding: got, as: UTF8.self) == String(decoding: c.expected, as: UTF8.self))
    }

    @Test("through the binary", arguments: cases.map(\.name))
    func throughBinary(_ name: String) throws {
        if let stale = DaemonProcess.staleness { throw TestError("stale binary: " + stale) }
        let c = try #require(Self.cases.first { $0.name == name })
        let got = try c.runBinary(DaemonProcess.binary)
        #expect(String(decoding: got, as: UTF8.self) == String(decoding: c.expected, as: UTF8.self))
    }
}
