import SyslogMessage

/// Byte-level formatting of calendar fields, used by the date macros.
enum DateFormatting {
    static let monthAbbrevs = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]
    static let weekdayAbbrevs = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                               "Friday", "Saturday"]

    static let zero = UInt8(ascii: "0")

    @inline(__always)
    static func append2(_ v: Int, to out: inout [UInt8]) {
        out.append(zero &+ UInt8(truncatingIfNeeded: (v / 10) % 10))
        out.append(zero &+ UInt8(truncatingIfNeeded: v % 10))
    }

    @inline(__always)
    static func appendPadded(_ v: Int, width: Int, to out: inout [UInt8]) {
        var div = 1
        for _ in 1..<max(width, 1) { div *= 10 }
        var value = max(v, 0)
        if value >= div * 10 {
            LogValue.appendDecimal(Int64(value), to: &out)
            return
        }
        while div > 0 {
            out.append(zero &+ UInt8(truncatingIfNeeded: value / div))
            value %= div
            div /= 10
        }
    }

    static func appendName(_ names: [String], _ index: Int, to out: inout [UInt8]) {
        if index >= 0 && index < names.count { out.append(contentsOf: names[index].utf8) }
    }

    static func appendTime(_ c: DateComponents, to out: inout [UInt8]) {
        append2(c.hour, to: &out)
        out.append(UInt8(ascii: ":"))
        append2(c.minute, to: &out)
        out.append(UInt8(ascii: ":"))
        append2(c.second, to: &out)
    }

    /// `Nov 25 02:13:17` (day padded with a space).
    static func appendBSD(_ c: DateComponents, to out: inout [UInt8]) {
        appendName(monthAbbrevs, c.month - 1, to: &out)
        out.append(UInt8(ascii: " "))
        if c.day < 10 {
            out.append(UInt8(ascii: " "))
            out.append(zero &+ UInt8(truncatingIfNeeded: c.day))
        } else {
            append2(c.day, to: &out)
        }
        out.append(UInt8(ascii: " "))
        appendTime(c, to: &out)
    }

    /// `2026 Nov 25 02:13:17`.
    static func appendFull(_ c: DateComponents, to out: inout [UInt8]) {
        appendPadded(c.year, width: 4, to: &out)
        out.append(UInt8(ascii: " "))
        appendBSD(c, to: &out)
    }

    /// `2026-11-25T02:13:17+01:00`.
    static func appendISO(_ c: DateComponents, to out: inout [UInt8]) {
        appendPadded(c.year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append2(c.month, to: &out)
        out.append(UInt8(ascii: "-"))
        append2(c.day, to: &out)
        out.append(UInt8(ascii: "T"))
        appendTime(c, to: &out)
        appendOffset(c.utcOffset, to: &out)
    }

    /// `+01:00` / `-05:30`.
    static func appendOffset(_ offset: Int32, to out: inout [UInt8]) {
        let off = Int(offset)
        out.append(off < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let a = abs(off)
        append2(a / 3600, to: &out)
        out.append(UInt8(ascii: ":"))
        append2((a % 3600) / 60, to: &out)
    }

    /// `.` and `digits` fraction digits of `microseconds` (truncated; zeros past 6 digits).
    static func appendFraction(_ microseconds: Int32, digits: Int, to out: inout [UInt8]) {
        guard digits > 0 else { return }
        out.append(UInt8(ascii: "."))
        var div: Int32 = 100_000
        let us = max(0, min(microseconds, 999_999))
        for _ in 0..<min(digits, 9) {
            if div > 0 {
                out.append(zero &+ UInt8(truncatingIfNeeded: (us / div) % 10))
                div /= 10
            } else {
                out.append(zero)
            }
        }
    }

    /// Week of the month as syslog-ng computes it (0-based start, weeks begin on Sunday).
    static func monthWeek(_ c: DateComponents) -> Int {
        c.day / 7 + ((c.weekday > 0 && c.day % 7 >= c.weekday) ? 1 : 0)
    }

    /// Week of the year, Monday as first day, 00-53 (strftime `%W`).
    static func week(_ c: DateComponents) -> Int {
        let yday0 = c.dayOfYear - 1
        return (yday0 - (c.weekday + 6) % 7 + 7) / 7
    }

    /// ISO 8601 week number, 01-53.
    static func isoWeek(_ c: DateComponents) -> Int {
        let isoWeekday = c.weekday == 0 ? 7 : c.weekday
        let w = (c.dayOfYear - isoWeekday + 10) / 7
        if w < 1 { return weeksInYear(c.year - 1) }
        if w > weeksInYear(c.year) { return 1 }
        return w
    }

    private static func weeksInYear(_ y: Int) -> Int {
        func p(_ y: Int) -> Int { (y + y / 4 - y / 100 + y / 400) % 7 }
        return (p(y) == 4 || p(y - 1) == 3) ? 53 : 52
    }
}
