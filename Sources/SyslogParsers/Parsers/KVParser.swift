import SyslogConfig
import SyslogCore
import SyslogMessage

/// `kv-parser(prefix() value-separator() pair-separator() template())`: `key=value` pairs, as
/// syslog-ng 3.38 finds them (compared line by line):
///
/// - A key is a run of letters, digits, `_`, `-` and `.` right before the value separator (`=`).
///   Text before the first key is skipped.
/// - A value in `"…"` or `'…'` ends at its closing quote (`\` escapes the next character).
///   Otherwise it runs up to the next key that follows a space (so `e=5,f=6 stray g=1` gives
///   `e` = `5,f=6 stray`; a tab does not separate), without trailing spaces and without a
///   comma before the next key (`a=1, b=2`).
/// - With `pair-separator()` other than the default, pairs are split at it instead.
/// - A message without pairs goes on unchanged.
final class KVParser: MessageParser {
    let input: ParserInput
    let prefix: String
    let scanner: KVScanner

    init(input: ParserInput, prefix: String, separator: UInt8, pairSeparator: [UInt8]?) {
        self.input = input
        self.prefix = prefix
        self.scanner = KVScanner(separator: separator, pairSeparator: pairSeparator)
    }

    func parse(_ msg: LogMessage) -> Bool {
        let pairs = input.withBytes(msg) { scanner.scan($0) }
        for (k, v) in pairs {
            msg[NameRegistry.shared.handle(for: prefix + String(decoding: k, as: UTF8.self))] = LogValue.string(bytes: v)
        }
        return true
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("kv-parser", accepting: ["extract-stray-words-into"]) { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let prefix = try reader.string("prefix") ?? ""
            let vs = try reader.string("value-separator") ?? "="
            guard vs.utf8.count == 1, let sep = vs.utf8.first else {
                throw ctx.errors.error("value-separator() must be one character", at: reader.node.range)
            }
            let ps = try reader.string("pair-separator")
            let pairSeparator = ps.flatMap { $0 == ", " || $0.isEmpty ? nil : Array($0.utf8) }
            return KVParser(input: input, prefix: prefix, separator: sep, pairSeparator: pairSeparator)
        }
    }
}
