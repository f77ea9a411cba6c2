import SQLKit
import TesseraStorage

extension SQLMetadataStore {
    /// Counts and sums for the operator's gauges, in one read (``StorageFigures``). The sums are cast to BIGINT:
    /// PostgreSQL's SUM of a BIGINT column is NUMERIC.
    public func storageFigures() async throws -> StorageFigures {
        try await sessions.read { db in
            let row = try await db.raw("""
                SELECT
                  (SELECT COUNT(*) FROM glacier_uploads WHERE state = 'open') AS glacier_uploads,
                  (SELECT COUNT(*) FROM ebs_snapshots WHERE status = 'pending' AND deleted_at IS NULL) AS pending_snapshots,
                  (SELECT COUNT(*) FROM registry_uploads WHERE state = 'open') AS layer_uploads,
                  (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM glacier_archives WHERE deleted_at IS NULL) AS archive_bytes,
                  (SELECT COUNT(*) FROM ebs_blocks b JOIN ebs_snapshots s ON s.id = b.snapshot_id
                     WHERE s.deleted_at IS NULL) AS snapshot_blocks,
                  (SELECT CAST(COALESCE(SUM(b.size), 0) AS BIGINT) FROM registry_repository_blobs l JOIN registry_blobs b ON b.digest = l.digest)
                    AS registry_bytes
                """).first()
            guard let row else { throw StorageError.backend("the figures query returned no row") }
            return StorageFigures(
                glacierUploads: try row.decode(column: "glacier_uploads", as: Int.self),
                pendingSnapshots: try row.decode(column: "pending_snapshots", as: Int.self),
                layerUploads: try row.decode(column: "layer_uploads", as: Int.self),
                archiveBytes: try row.decode(column: "archive_bytes", as: Int64.self),
                snapshotBlockBytes: try row.decode(column: "snapshot_blocks", as: Int64.self) * 512 * 1024,
                registryBlobBytes: try row.decode(column: "registry_bytes", as: Int64.self))
        }
    }
}
