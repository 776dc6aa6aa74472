import Synchronization
import SyslogCore
import SyslogMessage

/// Where a followed file has been read to *and acknowledged*: the offset after the last line
/// whose message, and every message before it, the pipeline has finished with. That offset is
/// what the persist file keeps, so a restart (or a `kill -9`) reads again at most what was
/// not yet acknowledged.
///
/// It is the ack target of the file's messages: acknowledgements arrive on destination
/// threads, possibly out of order (filters send messages to different destinations); each
/// returns its window slot at once.
final class FilePositionTracker: MessageAckTarget, @unchecked Sendable {
    // Invariant for @unchecked Sendable: `state` is guarded by its mutex; `window` is set
    // before the first message is posted and not changed after.
    private struct Pending {
        var sequence: UInt64
        var end: Int64
        var acked: Bool
    }

    private struct State {
        /// Posted, not yet acknowledged with all before them, in posting order.
        var pending: [Pending] = []
        var head = 0
        /// The offset after the last message acknowledged with all before it.
        var acknowledged: Int64
        /// Set once the source stopped: later acknowledgements save the position themselves.
        var saveOnAck: (@Sendable (Int64) -> Void)?
    }

    /// The file this tracker follows (device and inode): positions are only saved for it.
    let identity: FileIdentity
    private let state: Mutex<State>
    let window: SourceWindow

    init(identity: FileIdentity, start: Int64, window: SourceWindow) {
        self.identity = identity
        self.state = Mutex(State(acknowledged: start))
        self.window = window
    }

    /// A message of this file is about to be posted; `end` is the offset after its last line.
    func posted(sequence: UInt64, end: Int64) {
        state.withLock { s in
            s.pending.append(Pending(sequence: sequence, end: end, acked: false))
        }
    }

    /// A message was not posted after all (nothing to wait for): advance as if acknowledged.
    func skipped(end: Int64) {
        state.withLock { s in
            if s.head == s.pending.count { s.acknowledged = max(s.acknowledged, end) }
        }
    }

    var acknowledgedOffset: Int64 { state.withLock { $0.acknowledged } }

    /// Messages posted and not yet acknowledged (with all before them).
    var hasPending: Bool { state.withLock { $0.head < $0.pending.count } }

    /// From now on each acknowledgement saves the position through `save` (the source has
    /// stopped and no longer saves it).
    func saveOnAcknowledge(_ save: @escaping @Sendable (Int64) -> Void) -> Int64 {
        state.withLock { s in
            s.saveOnAck = save
            return s.acknowledged
        }
    }

    func acknowledge(_ count: Int) { window.acknowledge(count) }

    func acknowledge(message: LogMessage) {
        let seq = message.sequence
        let saved: (Int64, @Sendable (Int64) -> Void)? = state.withLock { s in
            let before = s.acknowledged
            // Usually the oldest one; otherwise found by its number (the list is sorted).
            if s.head < s.pending.count, s.pending[s.head].sequence == seq {
                s.pending[s.head].acked = true
            } else {
                var lo = s.head, hi = s.pending.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if s.pending[mid].sequence < seq { lo = mid + 1 } else { hi = mid }
                }
                if lo < s.pending.count, s.pending[lo].sequence == seq { s.pending[lo].acked = true }
            }
            while s.head < s.pending.count, s.pending[s.head].acked {
                s.acknowledged = s.pending[s.head].end
                s.head += 1
            }
            if s.head > 1024, s.head * 2 > s.pending.count {
                s.pending.removeFirst(s.head)
                s.head = 0
            } else if s.head == s.pending.count {
                s.pending.removeAll(keepingCapacity: true)
                s.head = 0
            }
            guard let save = s.saveOnAck, s.acknowledged != before else { return nil }
            return (s.acknowledged, save)
        }
        window.acknowledge(1)
        if let (offset, save) = saved { save(offset) }
    }
}

/// A file's device and inode: tells a rotated or recreated file from the one read before.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
}
