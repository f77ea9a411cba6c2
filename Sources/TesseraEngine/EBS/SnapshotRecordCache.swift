import Foundation
import Synchronization
import TesseraStorage

/// Snapshot records read in the last second, so the block-by-block calls (PutSnapshotBlock,
/// GetSnapshotBlock) do not each read the same row again.
///
/// Safe because what a block call trusts from it cannot go stale unseen: a completed snapshot changes only by
/// being deleted, and a pending one's status is checked again by the statement that stores a block. This
/// node's own changes (complete, time out, delete) forget the record at once; another node's show here within
/// ``lifetime``.
final class SnapshotRecordCache: Sendable {
    /// How long a record read from the database is served without reading it again.
    static let lifetime: Duration = .seconds(1)
    /// Records held at most; when full, expired ones are dropped, and if none had expired, all are.
    static let capacity = 4096

    private struct Entry {
        let record: SnapshotRecord
        let readAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Counts ``forget(_:)`` calls, so a read that began before one is not stored after it.
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The record, if one was read less than ``lifetime`` ago.
    func record(_ id: String) -> SnapshotRecord? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[id], now - entry.readAt < Self.lifetime else { return nil }
            return entry.record
        }
    }

    /// Call before reading a record from the database; hand the result to ``store(_:readSince:)``.
    func beginRead() -> UInt64 {
        state.withLock { $0.generation }
    }

    /// Keeps a record read from the database, unless the cache forgot something since the read began (the
    /// record may predate that change).
    func store(_ record: SnapshotRecord, readSince generation: UInt64) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= Self.capacity {
                state.entries = state.entries.filter { now - $0.value.readAt < Self.lifetime }
                if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[record.id] = Entry(record: record, readAt: now)
        }
    }

    /// Drops a record this node has just changed. Called after the change, so that a read racing it is either
    /// dropped here or refused by ``store(_:readSince:)``.
    func forget(_ id: String) {
        state.withLock { state in
            state.entries[id] = nil
            state.generation &+= 1
        }
    }
}
