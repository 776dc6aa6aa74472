import SyslogConfig
import SyslogMessage
import SyslogTemplates

/// Turns filter expressions of the configuration into ``CompiledFilter``s.
///
/// Everything that can be checked is checked here, once: function names, severity and
/// facility names, regular expressions (compiled, and JIT-compiled when available) and
/// `filter(NAME)` references, which are resolved through ``namedFilters`` and inlined.
public struct FilterCompiler: Sendable {
    /// The `filter NAME { … };` statements of the configuration, by name.
    public let namedFilters: [String: FilterExpr]

    /// A compiler resolving `filter(NAME)` references through `namedFilters`.
    public init(namedFilters: [String: FilterExpr] = [:]) {
        self.namedFilters = namedFilters
    }

    /// Compiles `expr`.
    ///
    /// - Throws: ``FilterError`` for an unknown function, option, severity, facility or
    ///   regexp type, a regular expression PCRE2 rejects, a reference to an undefined filter,
    ///   or a loop of references (`Filter reference loop: f_a -> f_b -> f_a`).
    public func compile(_ expr: FilterExpr) throws(FilterError) -> CompiledFilter {
        var context = Context()
        return CompiledFilter(root: try node(expr, &context))
    }

    /// State of one ``compile(_:)`` call.
    struct Context {
        /// Named filters being compiled, outermost first (for loop detection).
        var referenceStack: [String] = []
        /// Named filters already compiled in this call, so each regex is compiled once.
        var compiled: [String: FilterNode] = [:]
    }

    func node(_ expr: FilterExpr, _ context: inout Context) throws(FilterError) -> FilterNode {
        switch expr {
        case .and(let a, let b):
            return .and(try node(a, &context), try node(b, &context))
        case .or(let a, let b):
            return .or(try node(a, &context), try node(b, &context))
        case .not(let a, _):
            return .not(try node(a, &context))
        case .call(let call):
            return try function(call, &context)
        case .compare(let lhs, let op, let rhs, let range):
            do {
                return .compare(try Template(lhs), FilterNode.Comparison(rawValue: op)!, try Template(rhs))
            } catch {
                throw FilterError("Error compiling template in comparison: \(error)", range: range)
            }
        }
    }

    /// Compiles one filter function call.
    func function(_ call: OptionNode, _ context: inout Context) throws(FilterError) -> FilterNode {
        switch call.name {
        case "level", "priority", "severity":
            return .severity(try severityMask(call))
        case "facility":
            return .facility(try facilityMask(call))
        case "program":
            return .value(.program, try regexMatcher(call, allowValue: false).matcher)
        case "host":
            return .value(.host, try regexMatcher(call, allowValue: false).matcher)
        case "message":
            return .value(.message, try regexMatcher(call, allowValue: false).matcher)
        case "match":
            let (matcher, valueName) = try regexMatcher(call, allowValue: true)
            guard let valueName else { return .headerAndMessage(matcher) }
            return .value(NameRegistry.shared.handle(for: valueName), matcher)
        case "source":
            let names = try stringArguments(call, what: "a source name")
            return .source(names.map { Array($0.utf8) })
        case "tags":
            return .tags(try stringArguments(call, what: "a tag"))
        case "netmask":
            return try netmask(call)
        case "filter":
            return try reference(call, &context)
        default:
            throw FilterError("Unknown filter function '\(call.rawName)'", range: call.range)
        }
    }

    /// `filter(NAME)`: the named filter's compiled expression.
    private func reference(_ call: OptionNode, _ context: inout Context) throws(FilterError) -> FilterNode {
        let names = try stringArguments(call, what: "a filter name")
        guard names.count == 1, let name = names.first else {
            throw FilterError("filter() takes exactly one filter name", range: call.range)
        }
        if let done = context.compiled[name] { return done }
        if let start = context.referenceStack.firstIndex(of: name) {
            let chain = context.referenceStack[start...] + [name]
            throw FilterError("Filter reference loop: " + chain.joined(separator: " -> "), range: call.range)
        }
        guard let expr = namedFilters[name] else {
            throw FilterError("Reference to undefined filter '\(name)'", range: call.range)
        }
        context.referenceStack.append(name)
        let compiled = try node(expr, &context)
        context.referenceStack.removeLast()
        context.compiled[name] = compiled
        return compiled
    }

    /// `netmask("a.b.c.d/bits")`.
    private func netmask(_ call: OptionNode) throws(FilterError) -> FilterNode {
        let texts = try stringArguments(call, what: "a network")
        guard texts.count == 1, let text = texts.first else {
            throw FilterError("netmask() takes exactly one network", range: call.range)
        }
        guard let network = IPv4Network(text) else {
            throw FilterError("Invalid IPv4 network '\(text)' in netmask()", range: call.arguments.first?.range ?? call.range)
        }
        return .netmask(network)
    }

    /// The scalar arguments of `call` as text; anything else (or none at all) is an error.
    func stringArguments(_ call: OptionNode, what: String) throws(FilterError) -> [String] {
        var result: [String] = []
        for arg in call.arguments {
            guard case .value(let v, _) = arg else {
                throw FilterError("Unexpected argument in \(call.rawName)()", range: arg.range)
            }
            result.append(v.text)
        }
        if result.isEmpty {
            throw FilterError("\(call.rawName)() requires \(what)", range: call.range)
        }
        return result
    }
}
