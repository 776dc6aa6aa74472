import SyslogConfig
import SyslogCore
import SyslogMessage

/// `csv-parser(columns() delimiters() quote-pairs() dialect() flags() prefix() null() template())`:
/// splits the input into columns, as syslog-ng 3.38 splits it (compared line by line):
///
/// - Delimiters: each character of `delimiters("…")` or `chars("…")`, and each of
///   `strings("…")`; default a space.
/// - A field that starts with an opening quote of `quote-pairs()` (default `""`) runs to its
///   closing quote; what follows it up to the next delimiter is kept too. Inside quotes,
///   `escape-backslash` reads `\x` as `x`, `escape-double-char` reads a doubled closing quote
///   as one; `escape-none` (the default) neither.
/// - `strip-whitespace` trims spaces and tabs around values; a value equal to `null()` is empty.
/// - `greedy`: the last column takes the rest of the input as it is.
/// - More fields than columns (without `greedy`) or fewer: the columns that were found are set
///   and the message goes on, unless `drop-invalid`, which drops it from the path.
final class CSVParser: MessageParser {
    let input: ParserInput
    let columns: [NVHandle]
    let scanner: CSVScanner

    init(input: ParserInput, columns: [NVHandle], scanner: CSVScanner) {
        self.input = input
        self.columns = columns
        self.scanner = scanner
    }

    func parse(_ msg: LogMessage) -> Bool {
        input.withBytes(msg) { b in
            let (values, matched) = scanner.split(b)
            if scanner.dropInvalid && !matched { return false }
            for (i, v) in values.enumerated() { msg[columns[i]] = v }
            return true
        }
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("csv-parser") { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let prefix = try reader.string("prefix") ?? ""
            guard let cols = try reader.strings("columns"), !cols.isEmpty else {
                throw ctx.errors.error("csv-parser() requires columns()", at: reader.node.range)
            }
            let columns = cols.map { NameRegistry.shared.handle(for: prefix + $0) }
            var chars: [UInt8] = [UInt8(ascii: " ")]
            var strings: [[UInt8]] = []
            if let d = reader.take("delimiters") {
                chars = []
                for arg in d.arguments {
                    switch arg {
                    case .value(let v, _):
                        chars += Array(v.text.utf8)
                    case .option(let o) where o.name == "chars":
                        chars += Array(try OptionReader.string(o, errors: ctx.errors).utf8)
                    case .option(let o) where o.name == "strings":
                        strings += try OptionReader.strings(o, errors: ctx.errors).map { Array($0.utf8) }
                    default:
                        throw ctx.errors.error("delimiters() takes characters, chars() or strings()", at: arg.range)
                    }
                }
            }
            var pairs: [(UInt8, UInt8)] = [(UInt8(ascii: "\""), UInt8(ascii: "\""))]
            if let q = try reader.string("quote-pairs") {
                let bytes = Array(q.utf8)
                guard bytes.count % 2 == 0 else {
                    throw ctx.errors.error("quote-pairs() takes pairs of characters, e.g. '\"\"[]'", at: reader.node.range)
                }
                pairs = stride(from: 0, to: bytes.count, by: 2).map { (bytes[$0], bytes[$0 + 1]) }
            }
            if let q = try reader.string("quotes") {
                pairs = q.utf8.map { ($0, $0) }
            }
            let flags = Set((try reader.strings("flags") ?? []).map { $0.dashed })
            var escape = CSVScanner.Escape.none
            let dialect = try reader.string("dialect")?.dashed
            for word in flags.union(dialect.map { [$0] } ?? []) {
                switch word {
                case "escape-none": escape = .none
                case "escape-backslash", "escape-backslash-with-sequences": escape = .backslash
                case "escape-double-char": escape = .doubleChar
                case "strip-whitespace", "greedy", "drop-invalid": break
                default:
                    throw ctx.errors.error("Unknown csv-parser() flag or dialect '\(word)'", at: reader.node.range)
                }
            }
            let null = try reader.string("null").map { Array($0.utf8) }
            let scanner = CSVScanner(columns: columns.count, delimiterChars: chars, delimiterStrings: strings,
                                     quotePairs: pairs, escape: escape, strip: flags.contains("strip-whitespace"),
                                     greedy: flags.contains("greedy"), dropInvalid: flags.contains("drop-invalid"), null: null)
            return CSVParser(input: input, columns: columns, scanner: scanner)
        }
    }
}
