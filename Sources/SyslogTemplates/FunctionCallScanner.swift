/// One argument of a template function call: its text with quotes removed, and where it
/// starts in the enclosing template.
struct FunctionArgument: Sendable, Equatable {
    var text: String
    var offset: Int
}

/// A scanned `$(name args…)` call.
struct FunctionCall: Sendable {
    var name: String
    var arguments: [FunctionArgument]
    /// Offset of the `$`.
    var offset: Int
    /// Index just after the closing `)`.
    var end: Int
}

/// Splits `$(name arg arg…)` into its name and arguments.
///
/// Arguments are separated by whitespace. At the top level of an argument, `"…"` and `'…'`
/// group text with spaces and lose their quotes (`a"b c"d` is `ab cd`); nested `$(…)` calls,
/// `${…}` references and parenthesised text (`(EXPR)` of `$(if)`) are kept verbatim,
/// quotes included.
enum FunctionCallScanner {
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let open = UInt8(ascii: "(")
    private static let close = UInt8(ascii: ")")

    static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
    }

    static func scan(_ bytes: [UInt8], at start: Int) throws(TemplateError) -> FunctionCall {
        let n = bytes.count
        let imbalanced = TemplateError(
            "Invalid template function reference, missing function name or imbalanced '('", offset: start)
        var i = start + 2
        while i < n && isSpace(bytes[i]) { i += 1 }
        let nameStart = i
        while i < n && !isSpace(bytes[i]) && bytes[i] != close && bytes[i] != open { i += 1 }
        guard i > nameStart, i < n else { throw imbalanced }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        var args: [FunctionArgument] = []
        while true {
            while i < n && isSpace(bytes[i]) { i += 1 }
            guard i < n else { throw imbalanced }
            if bytes[i] == close {
                return FunctionCall(name: name, arguments: args, offset: start, end: i + 1)
            }
            let argStart = i
            var text: [UInt8] = []
            var depth = 0
            while i < n {
                let b = bytes[i]
                if depth == 0 && (isSpace(b) || b == close) { break }
                if b == quote || b == apostrophe {
                    guard let end = bytes[(i + 1)...].firstIndex(of: b) else { throw imbalanced }
                    if depth == 0 {
                        text.append(contentsOf: bytes[(i + 1)..<end])
                    } else {
                        text.append(contentsOf: bytes[i...end])
                    }
                    i = end + 1
                    continue
                }
                if b == UInt8(ascii: "$") && i + 1 < n {
                    let next = bytes[i + 1]
                    if next == UInt8(ascii: "$") {
                        text.append(contentsOf: bytes[i...(i + 1)])
                        i += 2
                        continue
                    }
                    if next == UInt8(ascii: "{") {
                        let end = bytes[(i + 2)...].firstIndex(of: UInt8(ascii: "}")) ?? (n - 1)
                        text.append(contentsOf: bytes[i...end])
                        i = end + 1
                        continue
                    }
                    if next == open {
                        text.append(contentsOf: bytes[i...(i + 1)])
                        depth += 1
                        i += 2
                        continue
                    }
                }
                if b == open { depth += 1 }
                if b == close { depth -= 1 }
                text.append(b)
                i += 1
            }
            guard depth == 0 else { throw imbalanced }
            args.append(FunctionArgument(text: String(decoding: text, as: UTF8.self), offset: argStart))
        }
    }
}
