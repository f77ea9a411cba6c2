import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: ArchiveMetadata {
    public func insertArchive(_ archive: ArchiveRecord) async throws {
        try await sessions.transaction { db in try await Self.insertArchive(archive, in: db) }
    }

    /// Counts the archive in its vault, which must exist (the update holds the vault row until commit, so a
    /// DeleteVault cannot pass it), then inserts the archive row and its segments.
    static func insertArchive(_ archive: ArchiveRecord, in db: any SQLDatabase) async throws {
        guard try await db.raw("""
            UPDATE glacier_vaults SET archive_count = archive_count + 1, size_bytes = size_bytes + \(bind: archive.size),
            last_inventory_at = \(bind: archive.createdAt.millis)
            WHERE account_id = \(bind: archive.accountID) AND name = \(bind: archive.vaultName) RETURNING name
            """).first() != nil else { throw StorageError.notFound("vault \(archive.vaultName)") }
        try await db.raw("""
            INSERT INTO glacier_archives (id, account_id, vault_name, description, size, tree_hash, created_at)
            VALUES (\(bind: archive.id), \(bind: archive.accountID), \(bind: archive.vaultName), \(bind: archive.description),
            \(bind: archive.size), \(bind: archive.treeHash.hex), \(bind: archive.createdAt.millis))
            """).run()
        for (position, segment) in archive.segments.enumerated() {
            try await db.raw("""
                INSERT INTO glacier_archive_segments (archive_id, position, blob, length) VALUES
                (\(bind: archive.id), \(bind: position), \(bind: segment.blob.hex), \(bind: segment.length))
                """).run()
        }
    }

    public func archive(accountID: String, vaultName: String, id: String) async throws -> ArchiveRecord? {
        try await sessions.read { db in
            guard let row = try await db.raw("""
                SELECT * FROM glacier_archives WHERE id = \(bind: id) AND account_id = \(bind: accountID)
                AND vault_name = \(bind: vaultName) AND deleted_at IS NULL
                """).first() else { return nil }
            var record = try Self.archiveRecord(row)
            record.segments = try await Self.segments(of: id, in: db)
            return record
        }
    }

    public func deleteArchive(accountID: String, vaultName: String, id: String, at time: Date) async throws -> Bool {
        try await sessions.transaction { db in
            // One conditional statement: of racing deletes exactly one marks the archive and uncounts it.
            guard let row = try await db.raw("""
                UPDATE glacier_archives SET deleted_at = \(bind: time.millis) WHERE id = \(bind: id)
                AND account_id = \(bind: accountID) AND vault_name = \(bind: vaultName) AND deleted_at IS NULL RETURNING size
                """).first() else { return false }
            let size = try row.decode(column: "size", as: Int64.self)
            try await db.raw("""
                UPDATE glacier_vaults SET archive_count = archive_count - 1, size_bytes = size_bytes - \(bind: size),
                last_inventory_at = \(bind: time.millis) WHERE account_id = \(bind: accountID) AND name = \(bind: vaultName)
                """).run()
            return true
        }
    }

    public func listArchives(accountID: String, vaultName: String) async throws -> [ArchiveRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_archives WHERE account_id = \(bind: accountID) AND vault_name = \(bind: vaultName)
                AND deleted_at IS NULL ORDER BY created_at, id
                """).all().map(Self.archiveRecord)
        }
    }

    public func archiveExisted(accountID: String, vaultName: String, id: String) async throws -> Bool {
        try await sessions.read { db in
            try await db.raw("""
                SELECT id FROM glacier_archives WHERE id = \(bind: id) AND account_id = \(bind: accountID) AND vault_name = \(bind: vaultName)
                """).first() != nil
        }
    }

    public func archiveSegments(id: String) async throws -> [BlobSegment] {
        try await sessions.read { db in try await Self.segments(of: id, in: db) }
    }

    static func segments(of id: String, in db: any SQLDatabase) async throws -> [BlobSegment] {
        try await db.raw("SELECT blob, length FROM glacier_archive_segments WHERE archive_id = \(bind: id) ORDER BY position")
            .all().map { row in
                BlobSegment(blob: try decodeDigest(row, "blob"), length: try row.decode(column: "length", as: Int64.self))
            }
    }

    static func archiveRecord(_ row: any SQLRow) throws -> ArchiveRecord {
        ArchiveRecord(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            vaultName: try row.decode(column: "vault_name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            size: try row.decode(column: "size", as: Int64.self),
            treeHash: try decodeDigest(row, "tree_hash"),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            segments: [])
    }
}

/// Decodes a hex digest column, failing as a backend error when the stored text is not one.
func decodeDigest(_ row: any SQLRow, _ column: String) throws -> SHA256Value {
    let text = try row.decode(column: column, as: String.self)
    guard let digest = SHA256Value(hex: text) else { throw StorageError.backend("column \(column) holds \(text), not a digest") }
    return digest
}
