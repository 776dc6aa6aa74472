/// Parses syslog lines into a ``LogMessage``: RFC 3164 (BSD) with syslog-ng's tolerance for
/// missing parts, which is what `stdin()`, `file()` sources and network sources use by default.
public enum SyslogParser {
    /// A record's bytes, read in place (a network frame is parsed where it was received).
    /// Every access is checked against `count` by the parsers before it is made.
    public typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func number(_ line: Bytes, _ at: Int, _ len: Int) -> Int? {
        guard at + len <= line.count else { return nil }
        var v = 0
        for k in at..<(at + len) {
            let b = line[k]
            if b == UInt8(ascii: " ") && k == at && len == 2 { continue }
            guard isDigit(b) else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    /// `.123456` at `p` as microseconds (more digits are ignored); advances `p` past it.
    static func parseFraction(_ line: Bytes, at p: inout Int) -> Int32 {
        guard p < line.count, line[p] == UInt8(ascii: ".") else { return 0 }
        var k = p + 1
        var frac = 0
        var digits = 0
        while k < line.count, isDigit(line[k]) {
            if digits < 6 { frac = frac * 10 + Int(line[k] - 48); digits += 1 }
            k += 1
        }
        while digits < 6 { frac *= 10; digits += 1 }
        p = k
        return Int32(frac)
    }

    /// The month (0-11) of a BSD stamp's `Jan`…`Dec`, compared as bytes (no String per line).
    @inline(__always)
    static func monthIndex(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        switch (UInt32(a) << 16) | (UInt32(b) << 8) | UInt32(c) {
        case 0x4A616E: return 0   // Jan
        case 0x466562: return 1   // Feb
        case 0x4D6172: return 2   // Mar
        case 0x417072: return 3   // Apr
        case 0x4D6179: return 4   // May
        case 0x4A756E: return 5   // Jun
        case 0x4A756C: return 6   // Jul
        case 0x417567: return 7   // Aug
        case 0x536570: return 8   // Sep
        case 0x4F6374: return 9   // Oct
        case 0x4E6F76: return 10  // Nov
        case 0x446563: return 11  // Dec
        default: return nil
        }
    }

    /// `Mmm dd hh:mm:ss[.frac]`, also with the year before the time (`Mmm dd yyyy hh:mm:ss`) or
    /// after it (`Mmm dd hh:mm:ss yyyy`), in the local zone. The month's first letter is upper
    /// case, the others either case (`Oct`, `OCT`), as syslog-ng takes them. Out-of-range fields
    /// are carried as syslog-ng 3.38 carries them: seconds into minutes, minutes wrap without
    /// carrying, each 24 hours add two days, days into months.
    static func parseBSDStamp(_ line: Bytes, at i: Int, now: LogStamp) -> (LogStamp, Int)? {
        guard i + 15 <= line.count, line[i] >= 65 && line[i] <= 90,
              let month = monthIndex(line[i], line[i + 1] | 0x20, line[i + 2] | 0x20), line[i + 3] == UInt8(ascii: " "),
              let day = number(line, i + 4, 2), line[i + 6] == UInt8(ascii: " ") else { return nil }
        var p = i + 7
        var year: Int?
        if let y = number(line, p, 4), p + 4 < line.count, line[p + 4] == UInt8(ascii: " ") {
            year = y
            p += 5
        }
        guard let hh = number(line, p, 2), p + 8 <= line.count, line[p + 2] == UInt8(ascii: ":"),
              let mm = number(line, p + 3, 2), line[p + 5] == UInt8(ascii: ":"),
              let ss = number(line, p + 6, 2) else { return nil }
        p += 8
        let usec = parseFraction(line, at: &p)
        if year == nil, p + 5 <= line.count, line[p] == UInt8(ascii: " "), let y = number(line, p + 1, 4),
           p + 5 == line.count || line[p + 5] == UInt8(ascii: " ") {
            year = y
            p += 5
        }
        let nowC = now.components()
        var y = year ?? nowC.year
        if year == nil {
            // A December stamp read in January belongs to last year, and vice versa.
            if month + 1 == 12 && nowC.month == 1 { y -= 1 }
            if month + 1 == 1 && nowC.month == 12 { y += 1 }
        }
        let minute = (mm + ss / 60) % 60
        let local = CivilTime.unixSeconds(year: y, month: month + 1, day: day + 2 * (hh / 24), hour: hh % 24,
                                          minute: minute, second: ss % 60)
        let off = LocalZone.offset(at: local)
        let secs = local - Int64(off)
        return (LogStamp(seconds: secs, microseconds: usec, utcOffset: LocalZone.offset(at: secs)), p - i)
    }

    /// `2026-11-25T10:00:00[.frac](Z|±hh:mm)`.
    public static func parseISOStamp(_ line: [UInt8], at i: Int) -> (LogStamp, Int)? {
        line.withUnsafeBufferPointer { parseISOStamp($0, at: i) }
    }

    /// ``parseISOStamp(_:at:)`` on bytes in place.
    static func parseISOStamp(_ line: Bytes, at i: Int) -> (LogStamp, Int)? {
        guard let y = number(line, i, 4), i + 19 <= line.count, line[i + 4] == UInt8(ascii: "-"),
              let mo = number(line, i + 5, 2), line[i + 7] == UInt8(ascii: "-"),
              let d = number(line, i + 8, 2), line[i + 10] == UInt8(ascii: "T") || line[i + 10] == UInt8(ascii: " "),
              let hh = number(line, i + 11, 2), line[i + 13] == UInt8(ascii: ":"),
              let mm = number(line, i + 14, 2), line[i + 16] == UInt8(ascii: ":"),
              let ss = number(line, i + 17, 2) else { return nil }
        var p = i + 19
        let usec = parseFraction(line, at: &p)
        let local = CivilTime.unixSeconds(year: y, month: mo, day: d, hour: hh, minute: mm, second: ss)
        var off: Int32
        if p < line.count, line[p] == UInt8(ascii: "Z") {
            off = 0
            p += 1
        } else if p + 6 <= line.count, line[p] == UInt8(ascii: "+") || line[p] == UInt8(ascii: "-"),
                  let oh = number(line, p + 1, 2), line[p + 3] == UInt8(ascii: ":"), let om = number(line, p + 4, 2) {
            off = Int32(oh * 3600 + om * 60)
            if line[p] == UInt8(ascii: "-") { off = -off }
            p += 6
        } else {
            off = LocalZone.offset(at: local)
        }
        return (LogStamp(seconds: local - Int64(off), microseconds: usec, utcOffset: off), p - i)
    }
}

/// Proleptic Gregorian calendar arithmetic without time zones.
public enum CivilTime {
    /// Seconds since the epoch for a UTC civil time.
    public static func unixSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
