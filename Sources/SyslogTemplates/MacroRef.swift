import SyslogMessage

/// Which timestamp of a message a date macro reads.
enum DateSource: Sendable, Equatable, CaseIterable {
    /// The message's own stamp (plain and `S_` macros).
    case stamp
    /// When it was received (`R_`).
    case received
    /// The time of rendering (`C_`).
    case current

    var prefix: String {
        switch self {
        case .stamp: return "S_"
        case .received: return "R_"
        case .current: return "C_"
        }
    }
}

/// The date macros, each usable plain or with an `R_`, `S_` or `C_` prefix.
enum DateField: Sendable, Equatable, CaseIterable {
    case date, fullDate, isoDate, stamp, unixTime
    case year, month, monthAbbrev, monthName, monthWeek, day
    case hour, hour12, min, sec, msec, usec, ampm
    case weekDay, weekdayAbbrev, weekDayAbbrev, weekDayName, week, isoWeek, yearDay
    case tz, tzOffset

    var name: String {
        switch self {
        case .date: return "DATE"
        case .fullDate: return "FULLDATE"
        case .isoDate: return "ISODATE"
        case .stamp: return "STAMP"
        case .unixTime: return "UNIXTIME"
        case .year: return "YEAR"
        case .month: return "MONTH"
        case .monthAbbrev: return "MONTH_ABBREV"
        case .monthName: return "MONTH_NAME"
        case .monthWeek: return "MONTH_WEEK"
        case .day: return "DAY"
        case .hour: return "HOUR"
        case .hour12: return "HOUR12"
        case .min: return "MIN"
        case .sec: return "SEC"
        case .msec: return "MSEC"
        case .usec: return "USEC"
        case .ampm: return "AMPM"
        case .weekDay: return "WEEK_DAY"
        case .weekdayAbbrev: return "WEEKDAY"
        case .weekDayAbbrev: return "WEEK_DAY_ABBREV"
        case .weekDayName: return "WEEK_DAY_NAME"
        case .week: return "WEEK"
        case .isoWeek: return "ISOWEEK"
        case .yearDay: return "YEAR_DAY"
        case .tz: return "TZ"
        case .tzOffset: return "TZOFFSET"
        }
    }
}

/// Builtin macros that are computed from the message rather than stored as a value.
enum BuiltinMacro: Sendable, Equatable, CaseIterable {
    case msghdr, pri, facility, facilityNum, level, priority, severity, levelNum, severityNum
    case tag, bsdtag, tags, sourceIP, seqnum, sdata, loghost, fullhost, msg

    var name: String {
        switch self {
        case .msghdr: return "MSGHDR"
        case .pri: return "PRI"
        case .facility: return "FACILITY"
        case .facilityNum: return "FACILITY_NUM"
        case .level: return "LEVEL"
        case .priority: return "PRIORITY"
        case .severity: return "SEVERITY"
        case .levelNum: return "LEVEL_NUM"
        case .severityNum: return "SEVERITY_NUM"
        case .tag: return "TAG"
        case .bsdtag: return "BSDTAG"
        case .tags: return "TAGS"
        case .sourceIP: return "SOURCEIP"
        case .seqnum: return "SEQNUM"
        case .sdata: return "SDATA"
        case .loghost: return "LOGHOST"
        case .fullhost: return "FULLHOST"
        case .msg: return "MSG"
        }
    }
}

/// What a `$NAME` reference renders: a stored value, a computed macro or a date field.
enum MacroRef: Sendable, Equatable {
    case value(NVHandle)
    case builtin(BuiltinMacro)
    case date(DateField, DateSource)
}

/// Resolves macro names (case-sensitive, as syslog-ng) to references.
enum MacroTable {
    /// Every builtin macro name (date forms with all prefixes), for `--scope everything`.
    static let all: [(name: String, ref: MacroRef)] = {
        var list: [(String, MacroRef)] = []
        for m in BuiltinMacro.allCases {
            list.append((m.name, m == .fullhost ? .value(.host) : m == .msg ? .value(.message) : .builtin(m)))
        }
        for f in DateField.allCases {
            list.append((f.name, .date(f, .stamp)))
            for s in DateSource.allCases {
                list.append((s.prefix + f.name, .date(f, s)))
            }
        }
        return list
    }()

    private static let byName: [String: MacroRef] = {
        var d: [String: MacroRef] = [:]
        for (n, r) in all { d[n] = r }
        return d
    }()

    /// The reference for `name`; names that are no builtin macro are name-value lookups.
    static func resolve(_ name: String) -> MacroRef {
        if let r = byName[name] { return r }
        return .value(NameRegistry.shared.handle(for: name))
    }
}

extension Template {
    /// True when `name` is a builtin macro computed from the message (`$DATE`, `$FACILITY`,
    /// `$TAGS`, `$SOURCEIP`, …) rather than a name-value pair: such names cannot be set by
    /// rewrite rules, as in syslog-ng.
    public static func isReadOnlyMacro(_ name: String) -> Bool {
        if case .value = MacroTable.resolve(name) { return false }
        return true
    }
}

/// Renders a ``MacroRef``.
enum MacroRendering {
    /// Appends what `ref` renders to for `msg`, unescaped.
    @inline(__always)
    static func append(_ ref: MacroRef, _ msg: RenderInput, options: TemplateOptions,
                       to out: inout [UInt8], context: inout TemplateRenderContext) {
        switch ref {
        case .value(let handle):
            msg.append(handle, to: &out)
        case .builtin(let macro):
            BuiltinMacros.append(macro, msg, options: options, to: &out)
        case .date(let field, let source):
            DateMacros.append(field, source, msg, options: options, to: &out, context: &context)
        }
    }
}
