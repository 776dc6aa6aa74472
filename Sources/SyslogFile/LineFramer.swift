/// Splits a byte stream into lines (`\n`-terminated; a NUL also ends one, as in syslog-ng), as
/// `stdin()` and later file sources read them: a pure decoder, fed chunk by chunk, with no I/O
/// of its own.
///
/// A line longer than `maxSize` bytes (`log-msg-size`) is split there, as syslog-ng 3.38 splits
/// it: the first part is framed as truncated, the rest is the next record.
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

    /// - Parameter carry: the partial line an earlier reader left (a reload).
    public init(maxSize: Int, carry: [UInt8] = []) {
        self.maxSize = max(1, maxSize)
        self.line = carry
    }

    /// Frames what `bytes` completes, calling `emit` for each line in order.
    public mutating func feed<C: Collection>(_ bytes: C, _ emit: (Frame) -> Void) where C.Element == UInt8 {
        for b in bytes {
            if b == UInt8(ascii: "\n") || b == 0 {
                emit(Frame(line))
                line.removeAll(keepingCapacity: true)
            } else {
                if line.count >= maxSize {
                    // Longer than log-msg-size: split here, the rest is the next record.
                    emit(Frame(line, truncated: true))
                    line.removeAll(keepingCapacity: true)
                }
                line.append(b)
            }
        }
    }

    /// The unterminated rest: at end of input it is the last line; when a reader stops
    /// early it is carried to the next one. nil when there is none.
    public var pending: [UInt8]? {
        line.isEmpty ? nil : line
    }
}
