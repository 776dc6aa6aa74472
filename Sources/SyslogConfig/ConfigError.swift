/// An error in a configuration file, rendered the way syslog-ng prints them:
///
/// ```
/// Error parsing config, syntax error, unexpected identifier 'bar', expecting '(' in /tmp/x.conf:3:16-3:19:
/// 1       @version: 4.0
/// 2       source s {
/// 3-----> source s { foo bar; };
/// 3----->                ^^^
/// 4       };
/// ```
///
/// Errors with a location get the `Error parsing config, ` prefix and the location in their
/// `description`; errors without one (e.g. the main file cannot be opened) print just `message`.
/// As in syslog-ng, the end column printed in the header is one past the last character
/// (``SourceRange/endColumn`` itself is inclusive).
/// To build one for a problem found after parsing, use ``ConfigSources/error(_:at:)``.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, e.g. `syntax error, unexpected '}', expecting ';'`.
    public var message: String
    /// Where it is wrong, when known.
    public var range: SourceRange?
    /// The rendered context lines (see ``ConfigError/renderExcerpt(lines:range:)``).
    public var excerpt: [String]

    /// Creates an error; pass `excerpt` pre-rendered (or use ``ConfigSources/error(_:at:)``).
    public init(message: String, range: SourceRange? = nil, excerpt: [String] = []) {
        self.message = message
        self.range = range
        self.excerpt = excerpt
    }

    /// The full multi-line text: header line, then the excerpt.
    public var description: String {
        guard let range else { return message }
        let end = "\(range.endLine):\(range.endColumn + 1)"
        var text = "Error parsing config, \(message) in \(range.start)-\(end)"
        if !excerpt.isEmpty {
            text += ":\n" + excerpt.joined(separator: "\n")
        }
        return text
    }

    /// Renders the excerpt for `range` from the lines of its file (without line terminators):
    /// up to two lines of context before and after, offending lines prefixed with `N----->`
    /// and followed by a caret line under the span, other lines prefixed with `N` padded to 8 columns.
    public static func renderExcerpt(lines: [String], range: SourceRange) -> [String] {
        let startLine = range.start.line
        let endLine = max(range.endLine, startLine)
        guard startLine >= 1, startLine <= lines.count + 1 else { return [] }
        let first = max(1, startLine - 2)
        let last = max(min(lines.count, endLine + 2), min(endLine, lines.count + 1))
        var out: [String] = []
        for number in first...last {
            let text = number <= lines.count ? lines[number - 1] : ""
            guard number >= startLine, number <= endLine else {
                out.append(plainPrefix(number) + text)
                continue
            }
            let bytes = Array(text.utf8)
            let fromColumn = number == startLine ? range.start.column : 1
            let toColumn = number == endLine ? range.endColumn : bytes.count
            out.append(arrowPrefix(number) + text)
            out.append(arrowPrefix(number) + caretLine(bytes, from: fromColumn, to: toColumn))
        }
        return out
    }

    /// Splits file text into lines: `\n` separated, a trailing `\r` removed, no empty last line
    /// after a final newline.
    public static func splitLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if text.hasSuffix("\n"), lines.last == "" {
            lines.removeLast()
        }
        return lines
    }

    private static func plainPrefix(_ number: Int) -> String {
        let digits = String(number)
        return digits + String(repeating: " ", count: max(1, 8 - digits.count))
    }

    private static func arrowPrefix(_ number: Int) -> String {
        let digits = String(number)
        return digits + String(repeating: "-", count: max(1, 6 - digits.count)) + "> "
    }

    /// Spaces (tabs where the line has tabs) up to `from`, then one caret per character up to `to`.
    /// Columns are byte columns; UTF-8 continuation bytes take no screen column.
    private static func caretLine(_ bytes: [UInt8], from: Int, to: Int) -> String {
        var line = ""
        let startIndex = max(0, from - 1)
        for index in 0..<startIndex {
            if index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\t") {
                    line += "\t"
                } else if !isContinuation(byte) {
                    line += " "
                }
            } else {
                line += " "
            }
        }
        var carets = 0
        var index = startIndex
        while index < min(to, bytes.count) {
            if !isContinuation(bytes[index]) { carets += 1 }
            index += 1
        }
        return line + String(repeating: "^", count: max(1, carets))
    }

    private static func isContinuation(_ byte: UInt8) -> Bool {
        byte & 0xC0 == 0x80
    }
}
