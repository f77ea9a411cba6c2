import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: MultipartMetadata {
    public func insertUpload(_ upload: UploadRecord) async throws {
        try await sessions.transaction { db in
            // The vault row, held shared until commit, keeps a DeleteVault from slipping in between.
            try await Self.requireVault(accountID: upload.accountID, name: upload.vaultName, in: db)
            try await db.raw("""
                INSERT INTO glacier_uploads (id, account_id, vault_name, description, part_size, created_at, state)
                VALUES (\(bind: upload.id), \(bind: upload.accountID), \(bind: upload.vaultName), \(bind: upload.description),
                \(bind: upload.partSize), \(bind: upload.createdAt.millis), 'open')
                """).run()
        }
    }

    public func upload(accountID: String, vaultName: String, id: String) async throws -> UploadRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_uploads WHERE id = \(bind: id) AND account_id = \(bind: accountID)
                AND vault_name = \(bind: vaultName)
                """).first().map(Self.uploadRecord)
        }
    }

    public func listOpenUploads(accountID: String, vaultName: String, fromID: String?, limit: Int) async throws -> [UploadRecord] {
        try await sessions.read { db in
            var start: Int64 = 0
            if let fromID {
                guard let row = try await db.raw("SELECT created_at FROM glacier_uploads WHERE id = \(bind: fromID)").first() else {
                    throw StorageError.notFound("marker \(fromID)")
                }
                start = try row.decode(column: "created_at", as: Int64.self)
            }
            return try await db.raw("""
                SELECT * FROM glacier_uploads WHERE account_id = \(bind: accountID) AND vault_name = \(bind: vaultName)
                AND state = 'open' AND (created_at > \(bind: start) OR (created_at = \(bind: start) AND id >= \(bind: fromID ?? "")))
                ORDER BY created_at, id LIMIT \(bind: limit)
                """).all().map(Self.uploadRecord)
        }
    }

    public func putPart(_ part: PartRecord) async throws {
        try await sessions.transaction { db in
            // Shared hold on the upload row: parts of one upload go in side by side, while a completion or abort
            // (which updates the row) waits for them, or they for it and then find it closed.
            try await Self.requireOpen(part.uploadID, in: db)
            try await db.raw("""
                INSERT INTO glacier_upload_parts (upload_id, first_byte, last_byte, tree_hash, blob) VALUES
                (\(bind: part.uploadID), \(bind: part.range.first), \(bind: part.range.last), \(bind: part.treeHash.hex),
                \(bind: part.blob.hex))
                ON CONFLICT (upload_id, first_byte) DO UPDATE SET last_byte = excluded.last_byte,
                tree_hash = excluded.tree_hash, blob = excluded.blob
                """).run()
        }
    }

    public func parts(uploadID: String, fromFirstByte: Int64, limit: Int) async throws -> [PartRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_upload_parts WHERE upload_id = \(bind: uploadID) AND first_byte >= \(bind: fromFirstByte)
                ORDER BY first_byte LIMIT \(bind: limit)
                """).all().map { row in
                    let first = try row.decode(column: "first_byte", as: Int64.self)
                    let last = try row.decode(column: "last_byte", as: Int64.self)
                    guard let range = InclusiveByteRange(first: first, last: last) else {
                        throw StorageError.backend("part \(first)-\(last) of \(uploadID) is not a range")
                    }
                    return PartRecord(uploadID: uploadID, range: range, treeHash: try decodeDigest(row, "tree_hash"),
                                      blob: try decodeDigest(row, "blob"))
                }
        }
    }

    public func completeUpload(id: String, into archive: ArchiveRecord) async throws {
        try await sessions.transaction { db in
            // Claim the upload: of racing completions exactly one moves it from open, the others find it closed.
            try await Self.close(id, as: "completed", archiveID: archive.id, in: db)
            try await Self.insertArchive(archive, in: db)
            try await db.raw("DELETE FROM glacier_upload_parts WHERE upload_id = \(bind: id)").run()
        }
    }

    public func abortUpload(id: String) async throws {
        try await sessions.transaction { db in
            try await Self.close(id, as: "aborted", archiveID: nil, in: db)
            try await db.raw("DELETE FROM glacier_upload_parts WHERE upload_id = \(bind: id)").run()
        }
    }

    /// Throws unless the upload is open, holding its row shared until the transaction ends.
    static func requireOpen(_ id: String, in db: any SQLDatabase) async throws {
        let state = try await db.raw("SELECT state FROM glacier_uploads WHERE id = \(bind: id) \(SQLLockingClause.share)").first()
            .map { try $0.decode(column: "state", as: String.self) }
        guard let state else { throw StorageError.notFound("upload \(id)") }
        guard state == "open" else { throw StorageError.conflict("upload \(id) is \(state)") }
    }

    /// Moves an open upload to `state` in one conditional statement; throws as ``requireOpen(_:in:)`` does when
    /// it is not open (any more).
    static func close(_ id: String, as state: String, archiveID: String?, in db: any SQLDatabase) async throws {
        let claimed = try await db.raw("""
            UPDATE glacier_uploads SET state = \(bind: state), archive_id = \(bind: archiveID)
            WHERE id = \(bind: id) AND state = 'open' RETURNING id
            """).first()
        guard claimed == nil else { return }
        try await requireOpen(id, in: db)
        throw StorageError.conflict("upload \(id) changed while being closed")
    }

    static func uploadRecord(_ row: any SQLRow) throws -> UploadRecord {
        let stateText = try row.decode(column: "state", as: String.self)
        let state: UploadRecord.State
        switch stateText {
        case "open": state = .open
        case "aborted": state = .aborted
        default: state = .completed(archiveID: try row.decode(column: "archive_id", as: String?.self) ?? "")
        }
        return UploadRecord(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            vaultName: try row.decode(column: "vault_name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            partSize: try row.decode(column: "part_size", as: Int64.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            state: state)
    }
}
