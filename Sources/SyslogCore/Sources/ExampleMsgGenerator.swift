import Synchronization
import SyslogConfig
import SyslogMessage
import SyslogTemplates

/// `example-msg-generator(num() freq() template() values())`: generates messages, for demos,
/// tests and benchmarks. `freq(0)` posts as fast as flow control allows.
public final class ExampleMsgGenerator: ThreadedSourceBody, @unchecked Sendable {
    // Invariant for @unchecked Sendable: configuration is immutable; `stopRequested` is atomic.
    public let driverName = "example-msg-generator"
    public let threadName = "src:generator"
    let count: Int
    let interval: Double
    let template: Template
    let values: [(NVHandle, Template)]
    private let stopRequested = Atomic<Bool>(false)

    init(count: Int, interval: Double, template: Template, values: [(NVHandle, Template)]) {
        self.count = count
        self.interval = interval
        self.template = template
        self.values = values
    }

    public func run(_ poster: SourcePoster) -> SourceLifecycle.BodyEnd {
        var ctx = TemplateRenderContext()
        var buf: [UInt8] = []
        let literal = template.literalText
        var posted = 0
        while !stopRequested.load(ordering: .relaxed) && (count <= 0 || posted < count) {
            let msg = LogMessage()
            for (h, t) in values {
                buf.removeAll(keepingCapacity: true)
                t.render(msg, into: &buf, context: &ctx)
                msg[h] = .string(String(decoding: buf, as: UTF8.self))
            }
            if let literal {
                msg[.message] = .string(literal)
            } else {
                buf.removeAll(keepingCapacity: true)
                template.render(msg, into: &buf, context: &ctx)
                msg[.message] = .string(String(decoding: buf, as: UTF8.self))
            }
            poster.post(msg)
            posted += 1
            if interval > 0 {
                poster.closeBatch()
                sleepInterruptibly(interval)
            }
        }
        return .returned
    }

    private func sleepInterruptibly(_ seconds: Double) {
        let deadline = monotonicSeconds() + seconds
        while !stopRequested.load(ordering: .relaxed) {
            let left = deadline - monotonicSeconds()
            if left <= 0 { return }
            sleepSeconds(min(left, 0.05))
        }
    }

    public func requestExit() { stopRequested.store(true, ordering: .relaxed) }

    /// `example-msg-generator()` as configured.
    struct Config: SourceDriverConfig {
        let count: Int
        let interval: Double
        let template: Template
        let values: [(NVHandle, Template)]
        let policy: SourceRunPolicy

        func build(_ ctx: BuildContext) -> any SourceDriver {
            ThreadedSource(ExampleMsgGenerator(count: count, interval: interval, template: template, values: values),
                           policy: policy)
        }
    }

    /// Registers `example-msg-generator()`.
    public static func register(in registry: DriverRegistry) {
        registry.registerSource("example-msg-generator") { (reader, ctx) throws(ConfigError) in
            let num = try reader.int("num") ?? 0
            let freq = try reader.double("freq") ?? 1.0
            if freq < 0 { throw ctx.errors.error("freq() must not be negative", at: reader.node.range) }
            let opts = ctx.globals.templateOptions
            var template: Template
            if let t = reader.take("template") {
                let (v, r) = try OptionReader.single(t, errors: ctx.errors)
                template = try ctx.templates.compile(v.text, at: r, options: opts, allowNamed: false)
            } else {
                template = try ctx.templates.compile("-- Generated message. --", at: reader.node.range,
                                                     options: opts, allowNamed: false)
            }
            var values: [(NVHandle, Template)] = []
            for v in reader.takeAll("values") {
                for arg in v.arguments {
                    guard case .keyValue(let key, let val, let r) = arg, case .value(let tv, _) = val else {
                        throw ctx.errors.error("values() expects \"name\" => \"template\" pairs", at: arg.range)
                    }
                    let t = try ctx.templates.compile(tv.text, at: r, options: opts, allowNamed: false)
                    values.append((NameRegistry.shared.handle(for: key), t))
                }
            }
            return Config(count: num, interval: freq, template: template, values: values,
                          policy: SourceRunPolicy(globals: ctx.globals))
        }
    }
}
