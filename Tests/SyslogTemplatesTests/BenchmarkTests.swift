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

    /// Prints ns/render (best of several rounds) for the default file template, `$MSG\n` and
    /// a format-json template; never asserts on time. Meaningful only in release builds.
    @Test func renderSpeed() throws {
        let m = Fixture.message()
        for text in ["${DATE} ${HOST} ${MSGHDR}${MSG}\n", "$MSG\n", "$ISODATE $HOST $(format-json --scope rfc5424)\n"] {
            let t = try Template(text, options: Fixture.options)
            var ctx = TemplateRenderContext()
            var out: [UInt8] = []
            out.reserveCapacity(512)
            let n = text.contains("format-json") ? 2_000 : 20_000
            var best = UInt64.max
            for _ in 0..<8 {
                let start = Self.nanoseconds()
                for _ in 0..<n {
                    out.removeAll(keepingCapacity: true)
                    t.render(m, into: &out, context: &ctx)
                }
                best = min(best, (Self.nanoseconds() - start) / UInt64(n))
            }
            print("template \(String(reflecting: text)): \(best) ns/render (\(out.count) bytes)")
            #expect(!out.isEmpty)
        }
    }
}
