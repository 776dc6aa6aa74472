import Testing
import SyslogMessage
#if canImport(Glibc)
import Glibc
#endif
@testable import SyslogTemplates

struct ProfileTmp {
    static func ns() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
    @Test func profileMin() throws {
        guard getenv("PROF") != nil else { return }
        let m = Fixture.message()
        var ctx = TemplateRenderContext()
        var out: [UInt8] = []
        out.reserveCapacity(512)
        var line = ""
        for text in ["${DATE} ${HOST} ${MSGHDR}${MSG}\n", "$MSG\n", "a b c", "$HOST", "$MSGHDR", "${DATE}"] {
            let t = try Template(text, options: Fixture.options)
            var best = UInt64.max
            for _ in 0..<15 {
                let s = Self.ns()
                for _ in 0..<100_000 {
                    out.removeAll(keepingCapacity: true)
                    t.render(m, into: &out, context: &ctx)
                }
                best = min(best, (Self.ns() - s) / 100)
            }
            line += "\(String(reflecting: text))=\(best / 1000).\(best % 1000 / 100)  "
        }
        print("PROF " + line)
    }
}
