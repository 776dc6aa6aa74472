import Testing
import SyslogMessage
@testable import SyslogTemplates

struct ProfileTmp {
    @Test func profileDefault() throws {
        let m = Fixture.message()
        let t = try Template("${DATE} ${HOST} ${MSGHDR}${MSG}\n", options: Fixture.options)
        var ctx = TemplateRenderContext()
        var out: [UInt8] = []
        out.reserveCapacity(512)
        for _ in 0..<3_000_000 {
            out.removeAll(keepingCapacity: true)
            t.render(m, into: &out, context: &ctx)
        }
    }
}
