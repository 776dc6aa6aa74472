import SyslogConfig
import SyslogCore
import SyslogMessage

/// `date-parser(format("%Y-%m-%dT%H:%M:%S%z" …) template("$MSG") time-zone("+01:00") value())`:
/// the first format that reads the whole (trimmed) template sets the message's time stamp
/// (`$DATE`, `$ISODATE`, …), or with `value("NAME")` a datetime value of that name. A stamp
/// without a zone is in `time-zone()` (`UTC`, `+hh:mm`; default the local zone); without a
/// year, the year of the time it was received. No format matching drops the message from the
/// path, as syslog-ng does. Default format: `%FT%T%z`.
final class DateParser: MessageParser {
    let input: ParserInput
    let formats: [DateScanner]
    let zone: Int32?
    let target: NVHandle?

    init(input: ParserInput, formats: [DateScanner], zone: Int32?, target: NVHandle?) {
        self.input = input
        self.formats = formats
        self.zone = zone
        self.target = target
    }

    func parse(_ msg: LogMessage) -> Bool {
        let stamp: LogStamp? = input.withBytes(msg) { raw in
            var b = raw
            while let f = b.first, f == 0x20 { b = UnsafeBufferPointer(rebasing: b.dropFirst()) }
            for f in formats {
                if let fields = f.scan(b) { return self.makeStamp(fields, received: msg.received) }
            }
            return nil
        }
        guard let stamp else { return false }
        if let target { msg[target] = .datetime(stamp) } else { msg.stamp = stamp }
        return true
    }

    private func makeStamp(_ f: DateScanner.Fields, received: LogStamp) -> LogStamp? {
        if let epoch = f.epoch {
            let off = f.offset ?? zone ?? LocalZone.offset(at: epoch)
            return LogStamp(seconds: epoch, microseconds: f.micro, utcOffset: off)
        }
        let year = f.year ?? received.components().year
        var month = f.month, day = f.day
        if let doy = f.dayOfYear {
            let jan1 = CivilTime.unixSeconds(year: year, month: 1, day: 1, hour: 0, minute: 0, second: 0)
            let c = LogStamp(seconds: jan1 + Int64(doy - 1) * 86400, utcOffset: 0).components()
            month = c.month
            day = c.day
        }
        let local = CivilTime.unixSeconds(year: year, month: month, day: day, hour: f.hour, minute: f.minute, second: f.second)
        let off = f.offset ?? zone ?? LocalZone.offset(at: local)
        let secs = local - Int64(off)
        return LogStamp(seconds: secs, microseconds: f.micro, utcOffset: f.offset ?? zone ?? LocalZone.offset(at: secs))
    }

    /// `UTC`, `GMT`, `Z`, `+hh:mm`, `-hhmm`: the offset in seconds; nil when not one of these.
    static func fixedOffset(_ text: String) -> Int32? {
        let t = text.uppercased()
        if t == "UTC" || t == "GMT" || t == "Z" || t == "ETC/UTC" { return 0 }
        let b = Array(text.utf8)
        guard b.count >= 3, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") else { return nil }
        let digits = b.dropFirst().filter { $0 != UInt8(ascii: ":") }
        guard digits.count == 4 || digits.count == 2, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let d = digits.map { Int($0 - 0x30) }
        let hh = d[0] * 10 + d[1], mm = d.count == 4 ? d[2] * 10 + d[3] : 0
        guard hh <= 23, mm <= 59 else { return nil }
        let off = Int32(hh * 3600 + mm * 60)
        return b[0] == UInt8(ascii: "-") ? -off : off
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("date-parser", accepting: ["flags"]) { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let formats = (try reader.strings("format") ?? ["%FT%T%z"]).map(DateScanner.init)
            var zone: Int32?
            if let z = try reader.string("time-zone") {
                guard let off = fixedOffset(z) else {
                    throw ctx.errors.error("date-parser() time-zone('\(z)'): only UTC and fixed offsets (+hh:mm) are supported",
                                           at: reader.node.range)
                }
                zone = off
            }
            let target = try reader.string("value").map { NameRegistry.shared.handle(for: $0) }
            return DateParser(input: input, formats: formats, zone: zone, target: target)
        }
    }
}

/// `syslog-parser(flags(syslog-protocol) template())`: the template (default `$MSG`) parsed as
/// a syslog line into the message, as a source parses (BSD syslog; with
/// `flags(syslog-protocol)` RFC 5424 first). A line that is not one becomes syslog-ng's
/// `Error processing log message` message, as at a source.
final class SyslogLineParser: MessageParser {
    let input: ParserInput
    let rfc5424: Bool

    init(input: ParserInput, rfc5424: Bool) {
        self.input = input
        self.rfc5424 = rfc5424
    }

    func parse(_ msg: LogMessage) -> Bool {
        let line: [UInt8] = input.withBytes(msg) { Array($0) }
        if rfc5424 && SyslogParser.parseRFC5424(line, into: msg) { return true }
        if !SyslogParser.parseRFC3164(line, into: msg, defaultPriority: msg.pri) {
            SyslogParser.errorMessage(for: line, into: msg)
        }
        return true
    }

    static func register(in registry: DriverRegistry) {
        registry.registerParser("syslog-parser", accepting: ["drop-invalid", "default-priority", "default-facility"]) { (reader, ctx) throws(ConfigError) in
            let input = try ParserInput(reader, ctx)
            let flags = (try reader.strings("flags") ?? []).map(\.dashed)
            return SyslogLineParser(input: input, rfc5424: flags.contains("syslog-protocol"))
        }
    }
}
