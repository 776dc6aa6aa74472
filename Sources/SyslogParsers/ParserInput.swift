import SyslogConfig
import SyslogCore
import SyslogMessage
import SyslogTemplates

/// What a parser reads: its `template()` (default `$MSG`) rendered for the message. A template
/// that is just one value (`$MSG`, `${json}`) is read in place, without rendering.
struct ParserInput: Sendable {
    private let template: Template?
    private let handle: NVHandle?

    init(_ reader: OptionReader, _ ctx: BuildContext) throws(ConfigError) {
        guard let o = reader.take("template") else {
            template = nil
            handle = .message
            return
        }
        let text = try OptionReader.string(o, errors: ctx.errors)
        let compiled = try ctx.templates.compile(text, at: o.range, options: ctx.globals.templateOptions)
        if let h = compiled.singleValue {
            template = nil
            handle = h
        } else {
            template = compiled
            handle = nil
        }
    }

    /// Calls `body` with the input's bytes.
    func withBytes<R>(_ msg: LogMessage, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let handle {
            switch msg[handle] {
            case .string(var s)?:
                return s.withUTF8(body)
            case nil:
                return body(UnsafeBufferPointer(start: nil, count: 0))
            case let v?:
                var buf: [UInt8] = []
                v.append(to: &buf)
                return buf.withUnsafeBufferPointer(body)
            }
        }
        var buf: [UInt8] = []
        var ctx = TemplateRenderContext()
        template!.render(msg, into: &buf, context: &ctx)
        return buf.withUnsafeBufferPointer(body)
    }
}

extension String {
    /// With `_` as `-` (syslog-ng folds them in option words: `drop_invalid`, `drop-invalid`).
    var dashed: String { String(map { $0 == "_" ? "-" : $0 }) }
}
