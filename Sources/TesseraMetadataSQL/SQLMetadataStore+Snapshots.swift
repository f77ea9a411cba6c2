import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: SnapshotMetadata {
    public func insertSnapshot(_ snapshot: SnapshotRecord) async throws {
        try await sessions.transaction { db in
            // One conditional statement: of racing starts with one client token exactly one inserts.
            let inserted = try await db.raw("""
                INSERT INTO ebs_snapshots (id, account_id, region, volume_size, parent_id, lineage_root, description, tags,
                client_token, request_fingerprint, encrypted, kms_key_arn, timeout_minutes, start_time, status, status_message)
                VALUES (\(bind: snapshot.id), \(bind: snapshot.accountID), \(bind: snapshot.region), \(bind: snapshot.volumeSize),
                \(bind: snapshot.parentID), \(bind: snapshot.lineageRoot), \(bind: snapshot.description), \(bind: snapshot.tagsJSON),
                \(bind: snapshot.clientToken), \(bind: snapshot.requestFingerprint), \(bind: snapshot.encrypted ? 1 : 0),
                \(bind: snapshot.kmsKeyARN), \(bind: snapshot.timeoutMinutes), \(bind: snapshot.startTime.millis),
                \(bind: snapshot.status.rawValue), \(bind: snapshot.statusMessage))
                ON CONFLICT (account_id, client_token) DO NOTHING RETURNING id
                """).first()
            guard inserted != nil else { throw StorageError.conflict("client token \(snapshot.clientToken ?? "")") }
        }
    }

    public func snapshot(id: String) async throws -> SnapshotRecord? {
        try await sessions.read { db in
            try await db.raw("SELECT * FROM ebs_snapshots WHERE id = \(bind: id)").first().map(Self.snapshotRecord)
        }
    }

    public func snapshot(accountID: String, clientToken: String) async throws -> SnapshotRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM ebs_snapshots WHERE account_id = \(bind: accountID) AND client_token = \(bind: clientToken)
                """).first().map(Self.snapshotRecord)
        }
    }

    public func putSnapshotBlock(snapshotID: String, block: SnapshotBlock) async throws {
        try await sessions.transaction { db in
            // One statement on the path every block takes: the row goes in only while the snapshot is pending
            // and not deleted (the engine may have judged that from a cached record). The snapshot row is held
            // shared until commit, so a completion or delete (which updates it) cannot pass a block in flight.
            let pending = SnapshotRecord.Status.pending.rawValue
            let stored = try await db.raw("""
                INSERT INTO ebs_blocks (snapshot_id, block_index, blob)
                SELECT id, \(bind: block.index), \(bind: block.blob.hex) FROM ebs_snapshots
                WHERE id = \(bind: snapshotID) AND status = \(bind: pending) AND deleted_at IS NULL \(SQLLockingClause.share)
                ON CONFLICT (snapshot_id, block_index) DO UPDATE SET blob = excluded.blob
                RETURNING block_index
                """).first()
            guard stored == nil else { return }
            let row = try await db.raw("SELECT status, deleted_at FROM ebs_snapshots WHERE id = \(bind: snapshotID)").first()
            guard let row, try row.decode(column: "deleted_at", as: Int64?.self) == nil else {
                throw StorageError.notFound("snapshot \(snapshotID)")
            }
            throw StorageError.conflict("snapshot \(snapshotID) is \(try row.decode(column: "status", as: String.self))")
        }
    }

    public func ownBlocks(snapshotID: String, fromIndex: Int64, limit: Int) async throws -> [SnapshotBlock] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT block_index, blob FROM ebs_blocks WHERE snapshot_id = \(bind: snapshotID) AND block_index >= \(bind: fromIndex)
                ORDER BY block_index LIMIT \(bind: limit)
                """).all().map { row in
                    SnapshotBlock(index: try row.decode(column: "block_index", as: Int64.self), blob: try decodeDigest(row, "blob"))
                }
        }
    }

    public func listSnapshots(accountID: String, region: String) async throws -> [SnapshotRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM ebs_snapshots WHERE account_id = \(bind: accountID) AND region = \(bind: region)
                AND deleted_at IS NULL ORDER BY start_time, id
                """).all().map(Self.snapshotRecord)
        }
    }

    public func deleteSnapshot(id: String, at time: Date) async throws -> Bool {
        try await sessions.transaction { db in
            try await db.raw("""
                UPDATE ebs_snapshots SET deleted_at = \(bind: time.millis) WHERE id = \(bind: id) AND deleted_at IS NULL RETURNING id
                """).first() != nil
        }
    }

    public func finishSnapshot(id: String, status: SnapshotRecord.Status, message: String?) async throws -> SnapshotRecord? {
        try await sessions.transaction { db in
            try await db.raw("""
                UPDATE ebs_snapshots SET status = \(bind: status.rawValue), status_message = \(bind: message)
                WHERE id = \(bind: id) AND status = 'pending' AND deleted_at IS NULL
                """).run()
            return try await db.raw("SELECT * FROM ebs_snapshots WHERE id = \(bind: id)").first().map(Self.snapshotRecord)
        }
    }

    static func snapshotRecord(_ row: any SQLRow) throws -> SnapshotRecord {
        let statusText = try row.decode(column: "status", as: String.self)
        guard let status = SnapshotRecord.Status(rawValue: statusText) else { throw StorageError.backend("snapshot status \(statusText)") }
        return SnapshotRecord(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            region: try row.decode(column: "region", as: String.self),
            volumeSize: try row.decode(column: "volume_size", as: Int64.self),
            parentID: try row.decode(column: "parent_id", as: String?.self),
            lineageRoot: try row.decode(column: "lineage_root", as: String.self),
            description: try row.decode(column: "description", as: String?.self),
            tagsJSON: try row.decode(column: "tags", as: String?.self),
            clientToken: try row.decode(column: "client_token", as: String?.self),
            requestFingerprint: try row.decode(column: "request_fingerprint", as: String.self),
            encrypted: try row.decode(column: "encrypted", as: Int64.self) != 0,
            kmsKeyARN: try row.decode(column: "kms_key_arn", as: String?.self),
            timeoutMinutes: try row.decode(column: "timeout_minutes", as: Int64.self),
            startTime: Date(millis: try row.decode(column: "start_time", as: Int64.self)),
            status: status,
            statusMessage: try row.decode(column: "status_message", as: String?.self),
            deletedAt: try row.decode(column: "deleted_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
