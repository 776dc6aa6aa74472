extension SyslogParser {
    /// Fills `msg` from an RFC 5424 line (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`).
    /// Returns false, leaving `msg` untouched, when the line is not RFC 5424.
    @discardableResult
    public static func parseRFC5424(_ line: [UInt8], into msg: LogMessage) -> Bool {
        let n = line.count
        guard n > 4, line[0] == UInt8(ascii: "<") else { return false }
        var i = 1
        var pri = 0
        while i < n, i < 5, isDigit(line[i]) { pri = pri * 10 + Int(line[i] - 48); i += 1 }
        guard i > 1, i + 2 < n, line[i] == UInt8(ascii: ">"), pri < 192,
              line[i + 1] == UInt8(ascii: "1"), line[i + 2] == UInt8(ascii: " ") else { return false }
        i += 3
        func field() -> ArraySlice<UInt8>? {
            guard i < n else { return nil }
            let start = i
            while i < n, line[i] != UInt8(ascii: " ") { i += 1 }
            let f = line[start..<i]
            if i < n { i += 1 }
            return f
        }
        guard let stampField = field() else { return false }
        var stamp: LogStamp?
        if stampField != [UInt8(ascii: "-")] {
            guard let (s, len) = parseISOStamp(Array(stampField), at: 0), len == stampField.count else { return false }
            stamp = s
        }
        guard let host = field(), let app = field(), let procid = field(), let msgid = field() else { return false }
        // Structured data: "-" or one or more [id param="value" …] elements.
        var sdata: [(String, String)] = []
        if i < n, line[i] == UInt8(ascii: "-") {
            i += 1
        } else if i < n, line[i] == UInt8(ascii: "[") {
            while i < n, line[i] == UInt8(ascii: "[") {
                i += 1
                let idStart = i
                while i < n, line[i] != UInt8(ascii: " "), line[i] != UInt8(ascii: "]") { i += 1 }
                let id = String(decoding: line[idStart..<i], as: UTF8.self)
                guard !id.isEmpty else { return false }
                while i < n, line[i] == UInt8(ascii: " ") {
                    i += 1
                    let nameStart = i
                    while i < n, line[i] != UInt8(ascii: "=") { i += 1 }
                    let name = String(decoding: line[nameStart..<i], as: UTF8.self)
                    guard i + 1 < n, line[i + 1] == UInt8(ascii: "\"") else { return false }
                    i += 2
                    var value: [UInt8] = []
                    while i < n, line[i] != UInt8(ascii: "\"") {
                        if line[i] == UInt8(ascii: "\\"), i + 1 < n,
                           [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]")].contains(line[i + 1]) {
                            i += 1
                        }
                        value.append(line[i])
                        i += 1
                    }
                    guard i < n else { return false }
                    i += 1
                    sdata.append((".SDATA.\(id).\(name)", String(decoding: value, as: UTF8.self)))
                }
                guard i < n, line[i] == UInt8(ascii: "]") else { return false }
                i += 1
            }
        } else {
            return false
        }
        if i < n, line[i] == UInt8(ascii: " ") { i += 1 }
        var body = i < n ? Array(line[i...]) : []
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        msg.pri = UInt16(pri)
        if let stamp { msg.stamp = stamp }
        func nilOr(_ f: ArraySlice<UInt8>) -> String? {
            f == [UInt8(ascii: "-")] ? nil : String(decoding: f, as: UTF8.self)
        }
        if let h = nilOr(host) { msg.set(.host, h) }
        if let a = nilOr(app) { msg.set(.program, a) }
        if let p = nilOr(procid) { msg.set(.pid, p) }
        if let m = nilOr(msgid) { msg.set(.msgid, m) }
        for (k, v) in sdata { msg[k] = .string(v) }
        msg[.message] = .string(String(decoding: body, as: UTF8.self))
        return true
    }
}
