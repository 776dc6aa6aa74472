import Testing
import SyslogMessage
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslogTemplates

struct BenchmarkTests {
    private static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Prints ns/render for the default file template and `$MSG\n`; never asserts on time.
    @Test func renderSpeed() throws {
        let m = Fixture.message()
        for text in ["${DATE} ${HOST} ${MSGHDR}${MSG}\n", "$MSG\n", "$ISODATE $HOST $(format-json --scope rfc5424)\n"] {
            let t = try Template(text, options: Fixture.options)
            var ctx = TemplateRenderContext()
            var out: [UInt8] = []
            out.reserveCapacity(512)
            let n = text.contains("format-json") ? 20_000 : 200_000
            var total = 0
            let start = Self.nanoseconds()
            for _ in 0..<n {
                out.removeAll(keepingCapacity: true)
                t.render(m, into: &out, context: &ctx)
                total &+= out.count
            }
            let elapsed = Self.nanoseconds() - start
            print("template \(String(reflecting: text)): \(elapsed / UInt64(n)) ns/render (\(total / n) bytes)")
            #expect(total > 0)
        }
    }
}
