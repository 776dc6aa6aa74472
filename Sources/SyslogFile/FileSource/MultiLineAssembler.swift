import SyslogFilters

/// `multi-line-mode()`: how a file's lines are joined into messages.
///
/// - `indented`: a line that starts with a space or a tab continues the message before it.
/// - `prefix-garbage` (`regexp` is its older name): a line where `multi-line-prefix()` matches
///   starts a message; a match of `multi-line-garbage()` ends it, and the garbage (from its match
///   to the end of that line) is dropped.
/// - `prefix-suffix`: a line where the prefix matches starts a message; the message ends at the
///   end of the `multi-line-suffix()` match, which is kept; the rest of that line is dropped.
///
/// Lines are joined with `\n`. A message is complete when the next one starts (or its garbage or
/// suffix is read); until then it is held. A held message is posted when `multi-line-timeout()`
/// passes without new data, when the file is rotated away or deleted, and never lost: a message
/// held at shutdown is read again from the file at the next start.
public enum MultiLineMode: Sendable, Equatable {
    case none
    case indented
    case prefixGarbage
    case prefixSuffix
}

/// Joins lines into messages (one file's; fed by its reader, no I/O of its own).
struct MultiLineAssembler {
    /// One message out of the assembler: its text and the file offset just past its last line.
    struct Output {
        var bytes: [UInt8]
        var end: Int64
    }

    let mode: MultiLineMode
    let prefix: PCRERegex?
    let garbage: PCRERegex?
    let suffix: PCRERegex?
    let maxSize: Int

    /// The message being assembled and the offset after its last line.
    private(set) var held: [UInt8]?
    private(set) var heldEnd: Int64 = 0

    init(mode: MultiLineMode, prefix: PCRERegex?, garbage: PCRERegex?, suffix: PCRERegex?, maxSize: Int) {
        self.mode = mode
        self.prefix = prefix
        self.garbage = garbage
        self.suffix = suffix
        self.maxSize = maxSize
    }

    /// Feeds one line (without its newline) that ends at file offset `end`; calls `emit` with
    /// each message it completes.
    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, end: Int64, _ emit: (Output) -> Void) {
        switch mode {
        case .none:
            emit(Output(bytes: Array(line), end: end))
        case .indented:
            let continues = line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t")
            if continues, held != nil {
                append(line, end: end)
            } else {
                flush(emit)
                start(line, end: end)
            }
        case .prefixGarbage, .prefixSuffix:
            let starts = prefix?.matches(line) ?? true
            if starts { flush(emit) }
            if held == nil && !starts && prefix != nil && mode == .prefixSuffix {
                // Outside a message, before a prefix: not part of any message.
                return
            }
            let closer = mode == .prefixGarbage ? garbage : suffix
            if let closer, let m = closer.firstMatch(in: line) {
                let keep = mode == .prefixGarbage ? m.lowerBound : m.upperBound
                let part = UnsafeBufferPointer(rebasing: line[0..<keep])
                if held == nil { start(part, end: end) } else { append(part, end: end) }
                flush(emit)
                return
            }
            if held == nil { start(line, end: end) } else { append(line, end: end) }
        }
    }

    /// Posts the held message, if any.
    mutating func flush(_ emit: (Output) -> Void) {
        guard let h = held else { return }
        held = nil
        emit(Output(bytes: h, end: heldEnd))
    }

    /// Forgets the held message (the file was truncated under it).
    mutating func discard() { held = nil }

    private mutating func start(_ line: UnsafeBufferPointer<UInt8>, end: Int64) {
        held = Array(line)
        heldEnd = end
    }

    private mutating func append(_ line: UnsafeBufferPointer<UInt8>, end: Int64) {
        heldEnd = end
        guard held!.count < maxSize else { return }
        held!.append(UInt8(ascii: "\n"))
        held!.append(contentsOf: line.prefix(max(0, maxSize - held!.count)))
    }
}
