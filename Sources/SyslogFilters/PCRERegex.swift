import CPCRE2
import SyslogMessage
#if canImport(Glibc)
import Glibc
#endif

/// One PCRE2 match-data block per thread, shared by every regex (we only need to know
/// whether a match exists, so a one-pair ovector suffices). Freed when the thread exits.
private let matchDataKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in
        if let raw { pcre2_match_data_free_8(OpaquePointer(raw)) }
    }
    return key
}()

/// A compiled PCRE2 pattern (JIT-compiled when the library supports it).
///
/// - Note: `@unchecked Sendable`: the compiled code is never modified after `init`, and PCRE2
///   allows one compiled pattern to be matched from several threads at once as long as each
///   thread has its own match data, which ``matches(_:)`` takes from a per-thread slot.
package final class PCRERegex: @unchecked Sendable {
    private let code: OpaquePointer
    /// The pattern as written, for diagnostics.
    let pattern: String
    /// Whether JIT compilation succeeded.
    let isJIT: Bool
    /// `flags(store-matches)`: the handles the groups are stored under (`0`, `1`, … and the
    /// names of named groups), set by ``enableStoring()``.
    private(set) var groupHandles: [[NVHandle]] = []

    /// Compiles `pattern`; `caseless` adds PCRE2_CASELESS, `utf` PCRE2_UTF, `ucp` PCRE2_UCP.
    package init(_ pattern: String, caseless: Bool, utf: Bool, ucp: Bool, jit: Bool) throws(FilterError) {
        var options: UInt32 = 0
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        if utf { options |= UInt32(PCRE2_UTF) }
        if ucp { options |= UInt32(PCRE2_UCP) }
        var errorCode: Int32 = 0
        var errorOffset = 0
        var source = pattern
        let compiled: OpaquePointer? = source.withUTF8 { buf in
            var empty: UInt8 = 0
            guard let base = buf.baseAddress else {
                return pcre2_compile_8(&empty, 0, options, &errorCode, &errorOffset, nil)
            }
            return pcre2_compile_8(base, buf.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            let reason = PCRERegex.errorMessage(errorCode)
            throw FilterError("Error compiling regular expression '\(pattern)': \(reason) at offset \(errorOffset)")
        }
        code = compiled
        self.pattern = pattern
        isJIT = jit && pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// Prepares ``captures(_:)``: group n is stored as `$n` and, when named, under its name too.
    func enableStoring() {
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        var handles: [[NVHandle]] = (0...Int(count)).map { [NameRegistry.shared.handle(for: String($0))] }
        for (group, name) in namedGroups where group < handles.count {
            handles[group].append(NameRegistry.shared.handle(for: name))
        }
        groupHandles = handles
    }

    /// Matches like ``matches(_:)`` and returns each group's text (nil for a group that did not
    /// take part), or nil without a match.
    func captures(_ subject: UnsafeBufferPointer<UInt8>) -> [[UInt8]?]? {
        guard let md = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(md) }
        var empty: UInt8 = 0
        let rc = subject.baseAddress.map { pcre2_match_8(code, $0, subject.count, 0, 0, md, nil) }
            ?? pcre2_match_8(code, &empty, 0, 0, 0, md, nil)
        guard rc >= 0, let ovector = pcre2_get_ovector_pointer_8(md) else { return nil }
        let pairs = Int(pcre2_get_ovector_count_8(md))
        var out: [[UInt8]?] = []
        for g in 0..<min(pairs, groupHandles.count) {
            let start = ovector[2 * g], end = ovector[2 * g + 1]
            // PCRE2_UNSET is (size_t)-1, imported as -1.
            if start < 0 || end < start || end > subject.count { out.append(nil); continue }
            out.append(Array(subject[start..<end]))
        }
        return out
    }

    /// Sets the groups of a ``captures(_:)`` result on `msg`.
    func store(_ groups: [[UInt8]?], in msg: LogMessage) {
        for (g, text) in groups.enumerated() {
            guard let text else { continue }
            let value = LogValue.string(String(decoding: text, as: UTF8.self))
            for h in groupHandles[g] { msg[h] = value }
        }
    }

    /// The text PCRE2 gives for an error code.
    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBufferPointer { b -> Int32 in
            guard let base = b.baseAddress else { return -1 }
            return pcre2_get_error_message_8(code, base, b.count)
        }
        if n < 0 { return "error \(code)" }
        return String(decoding: buffer[0..<Int(n)], as: UTF8.self)
    }

    /// This thread's match data, created on first use.
    @inline(__always)
    private static func threadMatchData() -> OpaquePointer? {
        if let raw = pthread_getspecific(matchDataKey) { return OpaquePointer(raw) }
        guard let md = pcre2_match_data_create_8(1, nil) else { return nil }
        pthread_setspecific(matchDataKey, UnsafeRawPointer(md))
        return md
    }

    /// The named groups: (group number, name), in name order.
    package var namedGroups: [(Int, String)] {
        var nameCount: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &nameCount)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard let table else { return [] }
        return (0..<Int(nameCount)).map { i in
            let entry = table + i * Int(entrySize)
            return (Int(entry[0]) << 8 | Int(entry[1]), String(cString: entry + 2))
        }
    }

    /// The number of capturing groups.
    package var groupCount: Int {
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        return Int(count)
    }

    /// Each group's byte range (group 0: the whole match; nil: did not take part) of the
    /// first match at or after `offset`, or nil without a match.
    package func groups(in subject: UnsafeBufferPointer<UInt8>, from offset: Int = 0) -> [Range<Int>?]? {
        guard let md = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(md) }
        var empty: UInt8 = 0
        let rc = subject.baseAddress.map { pcre2_match_8(code, $0, subject.count, offset, 0, md, nil) }
            ?? pcre2_match_8(code, &empty, 0, 0, 0, md, nil)
        guard rc >= 0, let ovector = pcre2_get_ovector_pointer_8(md) else { return nil }
        let pairs = Int(pcre2_get_ovector_count_8(md))
        return (0..<pairs).map { g in
            let start = ovector[2 * g], end = ovector[2 * g + 1]
            // PCRE2_UNSET is (size_t)-1, imported as -1.
            if start < 0 || end < start || end > subject.count { return nil }
            return start..<end
        }
    }

    /// Where the pattern first matches in `subject` (byte offsets), nil without a match.
    package func firstMatch(in subject: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let md = PCRERegex.threadMatchData(), let base = subject.baseAddress else {
            return subject.isEmpty && matches(subject) ? 0..<0 : nil
        }
        guard pcre2_match_8(code, base, subject.count, 0, 0, md, nil) >= 0,
              let ovector = pcre2_get_ovector_pointer_8(md) else { return nil }
        let start = ovector[0], end = ovector[1]
        guard start <= end, end <= subject.count else { return nil }
        return start..<end
    }

    /// Whether the pattern matches anywhere in `subject`. Match errors (e.g. invalid UTF-8
    /// under `flags(utf8)`) count as no match.
    package func matches(_ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let md = PCRERegex.threadMatchData() else { return false }
        let rc: Int32
        if let base = subject.baseAddress {
            rc = pcre2_match_8(code, base, subject.count, 0, 0, md, nil)
        } else {
            var empty: UInt8 = 0
            rc = pcre2_match_8(code, &empty, 0, 0, 0, md, nil)
        }
        return rc >= 0
    }
}
