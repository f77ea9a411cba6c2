import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: BlobReferences {
    /// One statement per page: the page's digests as a `VALUES` list that each kind of record is matched
    /// against through its index on the blob column (migration 5), so a page costs about as many index
    /// lookups as it has digests whatever the size of the tables.
    public func referencedBlobs(among digests: [SHA256Value], now: Date, jobRetention: TimeInterval) async throws -> Set<SHA256Value> {
        guard !digests.isEmpty else { return [] }
        let since = now.addingTimeInterval(-jobRetention).millis
        let page = digests.map { "(\(bind: $0.hex))" as SQLQueryString }.joined(separator: ", ")
        return try await sessions.read { db in
            // A snapshot's blocks are needed while it or any descendant is not deleted: walk up from the live ones.
            let rows = try await db.raw("""
                WITH RECURSIVE page(blob) AS (VALUES \(page)),
                needed_snapshots(id) AS (
                  SELECT id FROM ebs_snapshots WHERE deleted_at IS NULL
                  UNION SELECT s.parent_id FROM ebs_snapshots s JOIN needed_snapshots n ON s.id = n.id WHERE s.parent_id IS NOT NULL
                )
                SELECT s.blob AS blob FROM glacier_archive_segments s JOIN glacier_archives a ON a.id = s.archive_id
                  WHERE s.blob IN (SELECT blob FROM page) AND (a.deleted_at IS NULL
                  OR a.id IN (SELECT archive_id FROM glacier_jobs WHERE archive_id IS NOT NULL AND completes_at >= \(bind: since)))
                UNION SELECT p.blob AS blob FROM glacier_upload_parts p WHERE p.blob IN (SELECT blob FROM page)
                UNION SELECT b.blob AS blob FROM ebs_blocks b
                  WHERE b.blob IN (SELECT blob FROM page) AND b.snapshot_id IN (SELECT id FROM needed_snapshots)
                UNION SELECT output_blob AS blob FROM glacier_jobs
                  WHERE output_blob IN (SELECT blob FROM page) AND completes_at >= \(bind: since)
                UNION SELECT s.blob AS blob FROM registry_blob_segments s
                  WHERE s.blob IN (SELECT blob FROM page) AND s.digest IN (SELECT digest FROM registry_repository_blobs)
                UNION SELECT p.blob AS blob FROM registry_upload_parts p WHERE p.blob IN (SELECT blob FROM page)
                """).all()
            return Set(try rows.map { try decodeDigest($0, "blob") })
        }
    }
}
