import Foundation
import TesseraCore
import TesseraStorage

/// The EBS direct APIs' rules over the shared stores: snapshots written as verified 512 KiB blocks, each
/// block a content-addressed blob (so identical blocks, zero blocks above all, are stored once), children
/// reading their parents' blocks where they wrote none.
public struct SnapshotService: Sendable {
    public static let blockSize: Int64 = 524_288
    /// Blocks per GiB of volume.
    public static let blocksPerGiB: Int64 = 2048

    let metadata: any SnapshotMetadata
    let blobs: any BlobStore
    let ingest: BlobIngest
    let tokens: BlockTokens
    let clock: EngineClock
    let records = SnapshotRecordCache()

    public init(metadata: any SnapshotMetadata, blobs: any BlobStore, tokens: BlockTokens, clock: EngineClock = .system) {
        self.metadata = metadata
        self.blobs = blobs
        self.ingest = BlobIngest(blobs: blobs)
        self.tokens = tokens
        self.clock = clock
    }

    /// The caller's snapshot in the caller's region, its timeout applied; another account's or region's is not found.
    /// - Parameter trustingCachedPending: the caller re-checks that the snapshot is still pending as it writes
    ///   (PutSnapshotBlock), so a pending record from ``SnapshotRecordCache`` will do.
    func requireSnapshot(_ id: String, accountID: String, region: String,
                         trustingCachedPending: Bool = false) async throws -> SnapshotRecord {
        guard let snapshot = try await snapshotRecord(id, trustingCachedPending: trustingCachedPending),
              snapshot.accountID == accountID, snapshot.region == region, snapshot.deletedAt == nil else {
            throw SnapshotError.snapshotNotFound("The snapshot '\(id)' does not exist.")
        }
        return try await applyingTimeout(snapshot)
    }

    /// The snapshot as it stands now: a pending one past its Timeout is recorded as `error` (the only write,
    /// made the first time anyone looks after the deadline).
    func applyingTimeout(_ snapshot: SnapshotRecord) async throws -> SnapshotRecord {
        guard snapshot.status == .pending,
              clock.now > snapshot.startTime.addingTimeInterval(TimeInterval(snapshot.timeoutMinutes * 60)) else { return snapshot }
        return try await changingSnapshot(snapshot.id) {
            try await metadata.finishSnapshot(id: snapshot.id, status: .error, message: "Snapshot timed out before it was completed")
        } ?? snapshot
    }

    /// A snapshot's record: from ``SnapshotRecordCache`` if it is completed there (only deleting it changes it
    /// then) or pending and the caller says that will do, else from the database.
    func snapshotRecord(_ id: String, trustingCachedPending: Bool = false) async throws -> SnapshotRecord? {
        if let cached = records.record(id),
           cached.status == .completed || (cached.status == .pending && trustingCachedPending) {
            return cached
        }
        let generation = records.beginRead()
        let record = try await snapshotStorage { try await metadata.snapshot(id: id) }
        if let record { records.store(record, readSince: generation) }
        return record
    }

    /// Runs a change to a snapshot's record (complete, time out, delete), then drops any cached copy.
    func changingSnapshot<T>(_ id: String, _ change: () async throws -> T) async throws -> T {
        defer { records.forget(id) }
        return try await snapshotStorage(change)
    }

    /// A completed snapshot; pending and errored ones are not found, as in EBS.
    func requireCompleted(_ id: String, accountID: String, region: String) async throws -> SnapshotRecord {
        let snapshot = try await requireSnapshot(id, accountID: accountID, region: region)
        guard snapshot.status == .completed else { throw SnapshotError.snapshotNotFound("The snapshot '\(id)' does not exist.") }
        return snapshot
    }

    /// The snapshot and its ancestors, nearest first.
    func chain(of snapshot: SnapshotRecord) async throws -> [SnapshotRecord] {
        var chain = [snapshot]
        while let parentID = chain.last?.parentID {
            guard let parent = try await snapshotRecord(parentID) else { break }
            chain.append(parent)
        }
        return chain
    }
}

/// Runs a storage call (or the shared ingest pipeline), translating its failures into
/// ``SnapshotError/storageFailure(_:)``.
func snapshotStorage<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
    do {
        return try await storage(body)
    } catch let error as EngineError {
        throw SnapshotError(error)
    }
}
