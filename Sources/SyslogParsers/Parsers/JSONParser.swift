#if canImport(Glibc)
import Glibc
#endif
import SyslogConfig
import SyslogCore
import SyslogMessage

/// `json-parser(prefix() marker() extract-prefix() key-delimiter() template())`: a JSON object
/// becomes typed name-value pairs, nested objects flattened with `key-delimiter()` (default
/// `.`): `{"a":{"b":1}}` sets `a.b` = 1 (int). Strings, ints, doubles, booleans and null keep
/// their JSON type; an array of plain values is a list, any other array is kept as its JSON
/// text. Input that is not a JSON object (after `marker()`, when set) drops the message from
/// the path, as syslog-ng does.
///
/// The scanner is our own (no dependency): one pass over the bytes in place, no intermediate
/// document, nesting limited to 64 levels.
final class JSONParser: MessageParser {
    let input: ParserInput
    let prefix: String
    let marker: [UInt8]
    let extractPrefix: [String]
    let delimiter: String

    init(input: ParserInput, prefix: String, marker: [UInt8], extractPrefix: [String], delimiter: String) {
        self.input = input
        self.prefix = prefix
        self.marker = marker
        self.extractPrefix = extractPrefix
        self.delimiter = delimiter
    }

    func parse(_ msg: LogMessage) -> Bool {
        let pairs: [(String, LogValue)]? = input.withBytes(msg) { b in
            var start = 0
            if !marker.isEmpty {
                guard b.count >= marker.count, UnsafeBufferPointer(rebasing: b[0..<marker.count]).elementsEqual(marker) else { return nil }
                start = marker.count
            }
            return JSONScanner.flatten(UnsafeBufferPointer(rebasing: b[start...]), delimiter: delimiter, extract: extractPrefix)
        }
        guard let pairs else { return false }
        for (k, v) in pairs { msg[NameRegistry.shared.handle(for: prefix + k)] = v }
        return true
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("json-parser") { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let prefix = try reader.string("prefix") ?? ""
            let marker = Array((try reader.string("marker") ?? "").utf8)
            let delimiter = try reader.string("key-delimiter") ?? "."
            guard !delimiter.isEmpty else {
                throw ctx.errors.error("key-delimiter() must not be empty", at: reader.node.range)
            }
            let extract = (try reader.string("extract-prefix")).map { $0.split(separator: Character(delimiter)).map(String.init) } ?? []
            return JSONParser(input: input, prefix: prefix, marker: marker, extractPrefix: extract, delimiter: delimiter)
        }
    }
}

