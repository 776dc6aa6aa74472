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
        if let name = ParserInput.singleValue(text) {
            template = nil
            handle = NameRegistry.shared.handle(for: name)
        } else {
            template = try ctx.templates.compile(text, at: o.range, options: ctx.globals.templateOptions)
            handle = nil
        }
    }

    /// `NAME` when `text` is exactly `$NAME` or `${NAME}`.
    static func singleValue(_ text: String) -> String? {
        var t = Substring(text)
        guard t.hasPrefix("$") else { return nil }
        t = t.dropFirst()
        if t.hasPrefix("{") {
            guard t.hasSuffix("}") else { return nil }
            t = t.dropFirst().dropLast()
        }
        guard !t.isEmpty, t.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        return String(t)
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

extension LogValue {
    /// A string value of `bytes` (kept as bytes when they are not UTF-8).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> LogValue {
        bytes.isEmpty ? .string("") : .string(buffer: bytes)
    }
}

extension String {
    /// With `_` as `-` (syslog-ng folds them in option words: `drop_invalid`, `drop-invalid`).
    var dashed: String { String(map { $0 == "_" ? "-" : $0 }) }
}
