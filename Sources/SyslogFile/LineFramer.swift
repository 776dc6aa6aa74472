/// Splits a byte stream into lines (`\n`-terminated), as `stdin()` and later file sources read
/// them: a pure decoder, fed chunk by chunk, with no I/O of its own.
///
/// A line that reaches `maxSize` bytes (`log-msg-size`) is cut there and framed as truncated;
/// the rest of it, up to the next newline, is discarded.
public struct LineFramer: Sendable {
    /// A line without its `\n`; `truncated` when it was cut at `maxSize`.
    public struct Frame: Sendable, Equatable {
        public var bytes: [UInt8]
        public var truncated: Bool
        public init(_ bytes: [UInt8], truncated: Bool = false) {
            self.bytes = bytes
            self.truncated = truncated
        }
    }

    public let maxSize: Int
    private var line: [UInt8]
    private var discarding = false

    /// - Parameter carry: the partial line an earlier reader left (a reload).
    public init(maxSize: Int, carry: [UInt8] = []) {
        self.maxSize = max(1, maxSize)
        self.line = carry
    }

    /// Frames what `bytes` completes, calling `emit` for each line in order.
    public mutating func feed<C: Collection>(_ bytes: C, _ emit: (Frame) -> Void) where C.Element == UInt8 {
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                if !discarding { emit(Frame(line)) }
                line.removeAll(keepingCapacity: true)
                discarding = false
            } else if !discarding {
                line.append(b)
                if line.count >= maxSize {
                    emit(Frame(line, truncated: true))
                    line.removeAll(keepingCapacity: true)
                    discarding = true
                }
            }
        }
    }

    /// The unterminated rest: at end of input it is the last line; when a reader stops
    /// early it is carried to the next one. nil when there is none (or it is being discarded).
    public var pending: [UInt8]? {
        line.isEmpty || discarding ? nil : line
    }
}
