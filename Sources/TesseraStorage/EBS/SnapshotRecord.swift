import Foundation
import TesseraCore

/// An EBS snapshot as stored. Its blocks are its own writes plus, where it wrote none, its parent's.
public struct SnapshotRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending
        case completed
        case error
    }

    public var id: String
    public var accountID: String
    public var region: String
    /// GiB.
    public var volumeSize: Int64
    public var parentID: String?
    /// The first snapshot of this one's chain of parents (itself when it has none): two snapshots are
    /// related when they share it.
    public var lineageRoot: String
    public var description: String?
    /// `[{"Key","Value"}]` as the client sent it, JSON.
    public var tagsJSON: String?
    public var clientToken: String?
    /// The parameters of the StartSnapshot that made it, normalised, to recognise a repeat of the same ClientToken.
    public var requestFingerprint: String
    public var encrypted: Bool
    public var kmsKeyARN: String?
    /// Minutes a pending snapshot may wait for completion before it goes to `error`.
    public var timeoutMinutes: Int64
    public var startTime: Date
    public var status: Status
    public var statusMessage: String?
    /// Set by EC2 DeleteSnapshot: the snapshot is gone for every API, but its blocks stay while a
    /// descendant still reads them.
    public var deletedAt: Date?

    public init(id: String, accountID: String, region: String, volumeSize: Int64, parentID: String?, lineageRoot: String,
                description: String?, tagsJSON: String?, clientToken: String?, requestFingerprint: String, encrypted: Bool,
                kmsKeyARN: String?, timeoutMinutes: Int64, startTime: Date, status: Status = .pending, statusMessage: String? = nil,
                deletedAt: Date? = nil) {
        self.id = id
        self.accountID = accountID
        self.region = region
        self.volumeSize = volumeSize
        self.parentID = parentID
        self.lineageRoot = lineageRoot
        self.description = description
        self.tagsJSON = tagsJSON
        self.clientToken = clientToken
        self.requestFingerprint = requestFingerprint
        self.encrypted = encrypted
        self.kmsKeyARN = kmsKeyARN
        self.timeoutMinutes = timeoutMinutes
        self.startTime = startTime
        self.status = status
        self.statusMessage = statusMessage
        self.deletedAt = deletedAt
    }
}

/// One block a snapshot wrote: its index and the blob holding its 512 KiB.
public struct SnapshotBlock: Sendable, Equatable {
    public var index: Int64
    public var blob: SHA256Value

    public init(index: Int64, blob: SHA256Value) {
        self.index = index
        self.blob = blob
    }
}

/// Snapshots and the blocks each one wrote.
public protocol SnapshotMetadata: Sendable {
    /// Inserts a snapshot.
    /// - Throws: ``StorageError/conflict(_:)`` when its ClientToken is already taken in its account.
    func insertSnapshot(_ snapshot: SnapshotRecord) async throws
    func snapshot(id: String) async throws -> SnapshotRecord?
    func snapshot(accountID: String, clientToken: String) async throws -> SnapshotRecord?
    /// Records (or replaces) a block if the snapshot is still pending.
    /// - Throws: ``StorageError/conflict(_:)`` when it is not.
    func putSnapshotBlock(snapshotID: String, block: SnapshotBlock) async throws
    /// Blocks the snapshot itself wrote, ascending, from `fromIndex`, at most `limit`.
    func ownBlocks(snapshotID: String, fromIndex: Int64, limit: Int) async throws -> [SnapshotBlock]
    /// Snapshots of an account in a region that are not deleted, oldest first.
    func listSnapshots(accountID: String, region: String) async throws -> [SnapshotRecord]
    /// Marks a snapshot deleted; returns false if it already was.
    func deleteSnapshot(id: String, at time: Date) async throws -> Bool
    /// Sets the status of a pending snapshot; a snapshot no longer pending is left as it is.
    /// - Returns: the snapshot as stored afterwards.
    func finishSnapshot(id: String, status: SnapshotRecord.Status, message: String?) async throws -> SnapshotRecord?
}
