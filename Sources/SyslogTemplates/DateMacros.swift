import SyslogMessage

/// Renders the date macros (`$DATE`, `$R_ISODATE`, `$C_HOUR`, …).
enum DateMacros {
    /// The stamp a macro of `source` reads.
    @inline(__always)
    static func stamp(_ source: DateSource, _ msg: RenderInput,
                      _ context: inout TemplateRenderContext) -> LogStamp {
        switch source {
        case .stamp: return msg.stamp
        case .received: return msg.received
        case .current:
            if let now = context.currentStamp { return now }
            let now = LogStamp.now()
            context.currentStamp = now
            return now
        }
    }

    /// Appends `field` of the `source` stamp of `msg`.
    static func append(_ field: DateField, _ source: DateSource, _ msg: RenderInput,
                       options: TemplateOptions, to out: inout [UInt8],
                       context: inout TemplateRenderContext) {
        let ts = stamp(source, msg, &context)
        let offset = options.timeZone ?? ts.utcOffset
        switch field {
        case .unixTime:
            appendUnix(ts, options, &out)
            return
        case .tz, .tzOffset:
            DateFormatting.appendOffset(offset, to: &out)
            return
        case .msec:
            DateFormatting.appendPadded(Int(ts.microseconds / 1000), width: 3, to: &out)
            return
        case .usec:
            DateFormatting.appendPadded(Int(ts.microseconds), width: 6, to: &out)
            return
        case .stamp:
            switch options.tsFormat {
            case .unix:
                appendUnix(ts, options, &out)
                return
            case .rfc3164: return append(.date, source, msg, options: options, to: &out, context: &context)
            case .rfc3339: return append(.isoDate, source, msg, options: options, to: &out, context: &context)
            case .full: return append(.fullDate, source, msg, options: options, to: &out, context: &context)
            }
        default:
            break
        }
        let idx = context.entryIndex(seconds: ts.seconds, offset: offset)
        switch field {
        case .date:
            context.appendFormatted(.date, at: idx, to: &out)
            DateFormatting.appendFraction(ts.microseconds, digits: options.fracDigits, to: &out)
        case .fullDate:
            context.appendFormatted(.fullDate, at: idx, to: &out)
            DateFormatting.appendFraction(ts.microseconds, digits: options.fracDigits, to: &out)
        case .isoDate:
            if options.fracDigits <= 0 {
                context.appendFormatted(.isoDate, at: idx, to: &out)
            } else {
                // The fraction goes between the seconds and the offset (`+hh:mm`, 6 bytes).
                context.appendFormatted(.isoDate, at: idx, to: &out, droppingLast: 6)
                DateFormatting.appendFraction(ts.microseconds, digits: options.fracDigits, to: &out)
                DateFormatting.appendOffset(offset, to: &out)
            }
        default:
            appendComponent(field, context.components(at: idx), to: &out)
        }
    }

    private static func appendUnix(_ ts: LogStamp, _ options: TemplateOptions, _ out: inout [UInt8]) {
        LogValue.appendDecimal(ts.seconds, to: &out)
        DateFormatting.appendFraction(ts.microseconds, digits: options.fracDigits, to: &out)
    }

    private static func appendComponent(_ field: DateField, _ c: DateComponents, to out: inout [UInt8]) {
        switch field {
        case .year: DateFormatting.appendPadded(c.year, width: 4, to: &out)
        case .month: DateFormatting.append2(c.month, to: &out)
        case .monthAbbrev: DateFormatting.appendName(DateFormatting.monthAbbrevs, c.month - 1, to: &out)
        case .monthName: DateFormatting.appendName(DateFormatting.monthNames, c.month - 1, to: &out)
        case .monthWeek: LogValue.appendDecimal(Int64(DateFormatting.monthWeek(c)), to: &out)
        case .day: DateFormatting.append2(c.day, to: &out)
        case .hour: DateFormatting.append2(c.hour, to: &out)
        case .hour12:
            let h = c.hour % 12
            DateFormatting.append2(h == 0 ? 12 : h, to: &out)
        case .min: DateFormatting.append2(c.minute, to: &out)
        case .sec: DateFormatting.append2(c.second, to: &out)
        case .ampm: out.append(contentsOf: (c.hour < 12 ? "AM" : "PM").utf8)
        case .weekDay: LogValue.appendDecimal(Int64(c.weekday + 1), to: &out)
        case .weekdayAbbrev, .weekDayAbbrev:
            DateFormatting.appendName(DateFormatting.weekdayAbbrevs, c.weekday, to: &out)
        case .weekDayName: DateFormatting.appendName(DateFormatting.weekdayNames, c.weekday, to: &out)
        case .week: DateFormatting.append2(DateFormatting.week(c), to: &out)
        case .isoWeek: DateFormatting.append2(DateFormatting.isoWeek(c), to: &out)
        case .yearDay: DateFormatting.appendPadded(c.dayOfYear, width: 3, to: &out)
        case .date, .fullDate, .isoDate, .stamp, .unixTime, .msec, .usec, .tz, .tzOffset:
            break
        }
    }
}
