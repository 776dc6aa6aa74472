#if canImport(Glibc)
import Glibc
#endif

extension SyslogParser {
    /// Fills `msg` from a BSD syslog line, the way syslog-ng 3.38 reads them (compared line by
    /// line with `scripts/compare-parser.py`):
    ///
    /// `[spaces] [<PRI>] [spaces] [SEQ: ] [*|.]STAMP[:] [spaces] [HOST ] [spaces] PROGRAM[[PID]][:] [ ]MESSAGE`
    ///
    /// - PRI: any number of digits (kept modulo 65536, also above 191); `<>` is 0. A `<` not
    ///   followed by digits and `>` makes the line malformed: false is returned and the caller
    ///   posts ``errorMessage(for:into:)`` instead.
    /// - `SEQ:` digits and a colon right after the PRI (Cisco) become `.SDATA.meta.sequenceId`;
    ///   a `*` before the stamp sets `.SDATA.timeQuality.isSynced` to 0, a `.` to 1.
    /// - STAMP: BSD (``parseBSDStamp(_:at:now:)``) or ISO 8601 (``parseISOStamp(_:at:)``).
    /// - HOST, only after a stamp: the next word if a space follows it, it has no `[`, does not
    ///   end with `:` and has at most 255 bytes; `Message forwarded from HOST:` (AIX) too.
    /// - Without a stamp, the kernel facility means `PROGRAM=kernel` and the rest is the message.
    /// - `$MSGHDR` is the header exactly as consumed when it differs from `PROGRAM[PID]: `.
    /// - Values that are not valid UTF-8 are kept as their bytes.
    /// - Parameters:
    ///   - now: the reference time for the year of BSD timestamps.
    ///   - defaultPriority: the PRI of a line without a `<PRI>` header (user.notice unless the
    ///     source sets `default-facility()`/`default-severity()`).
    @discardableResult
    public static func parseRFC3164(_ line: [UInt8], into msg: LogMessage, now: LogStamp? = nil,
                                    defaultPriority: UInt16 = 13) -> Bool {
        line.withUnsafeBufferPointer { parseRFC3164($0, into: msg, now: now, defaultPriority: defaultPriority) }
    }

    /// ``parseRFC3164(_:into:now:defaultPriority:)`` on bytes in place; `now` defaults to the
    /// message's receive time.
    @discardableResult
    public static func parseRFC3164(_ line: Bytes, into msg: LogMessage, now: LogStamp? = nil,
                                    defaultPriority: UInt16 = 13) -> Bool {
        let n = line.count
        var i = 0
        msg.pri = defaultPriority
        skipSpaces(line, &i)
        if i < n, line[i] == UInt8(ascii: "<") {
            var j = i + 1
            var v: UInt32 = 0
            while j < n, isDigit(line[j]) {
                v = v &* 10 &+ UInt32(line[j] - 48)
                j += 1
            }
            if j == n {
                i = n
            } else if line[j] == UInt8(ascii: ">") {
                i = j + 1
            } else {
                return false
            }
            msg.pri = UInt16(truncatingIfNeeded: v)
        }
        skipSpaces(line, &i)
        // A Cisco sequence number: `123: `.
        var j = i
        while j < n, isDigit(line[j]) { j += 1 }
        if j > i, j < n, line[j] == UInt8(ascii: ":") {
            msg[SyslogParser.sequenceIdHandle] = .string(String(decoding: line[i..<j], as: UTF8.self))
            i = j + 1
            skipSpaces(line, &i)
        }
        // The stamp, after an optional clock mark (Cisco: `*` not synchronised, `.` synchronised).
        var hadStamp = false
        var k = i
        var synced: String?
        if k < n, line[k] == UInt8(ascii: "*") || line[k] == UInt8(ascii: ".") {
            synced = line[k] == UInt8(ascii: "*") ? "0" : "1"
            k += 1
        }
        if let (stamp, len) = parseBSDStamp(line, at: k, now: now ?? msg.received) ?? parseISOStamp(line, at: k) {
            msg.stamp = stamp
            i = k + len
            hadStamp = true
            if let synced { msg[SyslogParser.isSyncedHandle] = .string(synced) }
            // Cisco ends the stamp with a colon.
            if i < n, line[i] == UInt8(ascii: ":") { i += 1 }
            skipSpaces(line, &i)
            parseHost(line, &i, into: msg)
        }
        if !hadStamp && msg.pri >> 3 == 0 {
            msg.set(.program, "kernel")
            msg[.message] = LogValue.string(buffer: Bytes(rebasing: line[i...]))
            return true
        }
        parseProgram(line, from: i, into: msg)
        return true
    }

    static let sequenceIdHandle = NameRegistry.shared.handle(for: ".SDATA.meta.sequenceId")
    static let isSyncedHandle = NameRegistry.shared.handle(for: ".SDATA.timeQuality.isSynced")

    @inline(__always)
    static func skipSpaces(_ line: Bytes, _ i: inout Int) {
        while i < line.count, line[i] == UInt8(ascii: " ") { i += 1 }
    }

    private static let forwardedFrom = Array("Message forwarded from ".utf8)

    /// HOST after a stamp, when the next word is one (see ``parseRFC3164(_:into:now:defaultPriority:)``).
    static func parseHost(_ line: Bytes, _ i: inout Int, into msg: LogMessage) {
        let n = line.count
        if n - i > forwardedFrom.count, line[i..<(i + forwardedFrom.count)].elementsEqual(forwardedFrom) {
            var j = i + forwardedFrom.count
            let start = j
            while j < n, line[j] != UInt8(ascii: ":"), line[j] != UInt8(ascii: " ") { j += 1 }
            if j < n, line[j] == UInt8(ascii: ":"), j > start {
                msg[.host] = LogValue.string(buffer: Bytes(rebasing: line[start..<j]))
                i = j + 1
                skipSpaces(line, &i)
                return
            }
        }
        var j = i
        var bracket = false
        while j < n, line[j] != UInt8(ascii: " ") {
            if line[j] == UInt8(ascii: "[") { bracket = true }
            j += 1
        }
        guard j < n, j > i, !bracket, line[j - 1] != UInt8(ascii: ":"), j - i <= 255 else { return }
        msg[.host] = LogValue.string(buffer: Bytes(rebasing: line[i..<j]))
        i = j
        skipSpaces(line, &i)
    }

    /// PROGRAM, PID and MESSAGE from `prog[pid]: message`; `$MSGHDR` keeps the header as written
    /// when it is not `PROGRAM[PID]: `.
    static func parseProgram(_ line: Bytes, from start: Int, into msg: LogMessage) {
        let n = line.count
        var i = start
        while i < n, line[i] != UInt8(ascii: " "), line[i] != UInt8(ascii: "["), line[i] != UInt8(ascii: ":") { i += 1 }
        let program = line[start..<i]
        var pid: Slice<Bytes>?
        if i < n, line[i] == UInt8(ascii: "[") {
            var k = i + 1
            while k < n, line[k] != UInt8(ascii: "]"), line[k] != UInt8(ascii: " ") { k += 1 }
            pid = line[(i + 1)..<k]
            i = k
            if i < n, line[i] == UInt8(ascii: "]") { i += 1 }
        }
        var colon = false
        if i < n, line[i] == UInt8(ascii: ":") {
            i += 1
            colon = true
        }
        var space = false
        if i < n, line[i] == UInt8(ascii: " ") {
            i += 1
            space = true
        }
        if !program.isEmpty { msg[.program] = LogValue.string(buffer: Bytes(rebasing: program)) }
        if let pid, !pid.isEmpty { msg[.pid] = LogValue.string(buffer: Bytes(rebasing: pid)) }
        // The header as syslog-ng writes $MSGHDR: `PROGRAM[PID]: `, unless written otherwise.
        let standard = !program.isEmpty && colon && space && (pid.map { !$0.isEmpty } ?? true)
        if !standard && i > start {
            msg[.legacyMsghdr] = LogValue.string(buffer: Bytes(rebasing: line[start..<i]))
        }
        msg[.message] = i < n ? LogValue.string(buffer: Bytes(rebasing: line[i...])) : .string("")
    }

    /// What syslog-ng posts instead of a line whose header it cannot read:
    /// `syslog-ng[PID]: Error processing log message: LINE` at syslog.err.
    public static func errorMessage(for line: [UInt8], into msg: LogMessage) {
        line.withUnsafeBufferPointer { errorMessage(for: $0, into: msg) }
    }

    /// ``errorMessage(for:into:)`` for bytes in place.
    public static func errorMessage(for line: Bytes, into msg: LogMessage) {
        msg.pri = 43
        msg.set(.program, "syslog-ng")
        msg.set(.pid, String(getpid()))
        msg[.message] = LogValue.string(bytes: Array("Error processing log message: ".utf8) + line)
    }
}
