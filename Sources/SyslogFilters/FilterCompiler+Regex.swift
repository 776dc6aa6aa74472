import SyslogConfig

/// Arguments of the regexp-style functions: `program()`, `host()`, `message()`, `match()`.
extension FilterCompiler {
    /// Options gathered from `type()`, `flags()` and `value()`.
    private struct RegexOptions {
        enum Kind { case pcre, string, glob }
        var kind = Kind.pcre
        var ignoreCase = false
        var utf8 = false
        var unicode = false
        var prefix = false
        var substring = false
        var jit = true
        var storeMatches = false
        var valueName: String?
    }

    /// Builds the matcher of a regexp-style call; for `match()` also returns its `value()`.
    func regexMatcher(_ call: OptionNode, allowValue: Bool) throws(FilterError)
        -> (matcher: ValueMatcher, valueName: String?) {
        var pattern: (text: String, range: SourceRange)?
        var options = RegexOptions()
        for arg in call.arguments {
            switch arg {
            case .value(let v, let range):
                if pattern != nil {
                    throw FilterError("\(call.rawName)() takes a single pattern", range: range)
                }
                pattern = (v.text, range)
            case .option(let option):
                try apply(option, to: &options, call: call, allowValue: allowValue)
            default:
                throw FilterError("Unexpected argument in \(call.rawName)()", range: arg.range)
            }
        }
        guard let pattern else {
            throw FilterError("\(call.rawName)() requires a pattern", range: call.range)
        }
        let matcher: ValueMatcher
        switch options.kind {
        case .pcre:
            do throws(FilterError) {
                let re = try PCRERegex(pattern.text, caseless: options.ignoreCase,
                                       utf: options.utf8 || options.unicode,
                                       ucp: options.unicode, jit: options.jit)
                if options.storeMatches {
                    re.enableStoring()
                    matcher = .pcreStoring(re)
                } else {
                    matcher = .pcre(re)
                }
            } catch {
                throw FilterError(error.message, range: pattern.range)
            }
        case .string:
            let mode: StringMatcher.Mode = options.prefix ? .prefix : options.substring ? .substring : .exact
            matcher = .string(StringMatcher(pattern: pattern.text, mode: mode, ignoreCase: options.ignoreCase))
        case .glob:
            matcher = .glob(GlobMatcher(pattern: pattern.text))
        }
        return (matcher, options.valueName)
    }

    private func apply(_ option: OptionNode, to options: inout RegexOptions, call: OptionNode,
                       allowValue: Bool) throws(FilterError) {
        switch option.name {
        case "type":
            let text = try singleValue(option).lowercased()
            switch text {
            case "pcre", "posix": options.kind = .pcre
            case "string": options.kind = .string
            case "glob": options.kind = .glob
            default:
                throw FilterError("Unknown regexp type '\(text)'", range: option.arguments.first?.range ?? option.range)
            }
        case "flags":
            for flag in try flagNames(option) {
                switch flag {
                case "ignore-case": options.ignoreCase = true
                case "utf8": options.utf8 = true
                case "unicode": options.unicode = true
                case "prefix": options.prefix = true
                case "substring": options.substring = true
                case "disable-jit": options.jit = false
                case "store-matches": options.storeMatches = true
                default: break  // global, newline, dupnames…: no effect on filtering
                }
            }
        case "value" where allowValue:
            options.valueName = try singleValue(option)
        default:
            throw FilterError("Unknown option '\(option.rawName)' in \(call.rawName)()", range: option.range)
        }
    }

    /// The one scalar argument of `option`.
    private func singleValue(_ option: OptionNode) throws(FilterError) -> String {
        let values = option.values
        guard values.count == 1, option.arguments.count == 1, let value = values.first else {
            throw FilterError("\(option.rawName)() takes exactly one value", range: option.range)
        }
        return value.text
    }

    /// Flag names of `flags(…)`, lower-cased with `_` folded to `-`.
    private func flagNames(_ option: OptionNode) throws(FilterError) -> [String] {
        var names: [String] = []
        for arg in option.arguments {
            var values: [ConfigValue] = []
            switch arg {
            case .value(let v, _): values = [v]
            case .list(let items, _):
                for case .value(let v, _) in items { values.append(v) }
            default:
                throw FilterError("Unexpected argument in flags()", range: arg.range)
            }
            for v in values {
                for piece in v.text.split(whereSeparator: { $0 == "," || $0 == " " }) {
                    names.append(String(String(piece).lowercased().map { $0 == "_" ? "-" : $0 }))
                }
            }
        }
        return names
    }
}
