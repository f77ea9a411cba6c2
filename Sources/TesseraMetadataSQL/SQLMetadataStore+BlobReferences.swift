import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: BlobReferences {
    public func referencedBlobs(now: Date, jobRetention: TimeInterval) async throws -> Set<SHA256Value> {
        let since = now.addingTimeInterval(-jobRetention).millis
        return try await sessions.read { db in
            // A snapshot's blocks are needed while it or any descendant is not deleted: walk up from the live ones.
            let rows = try await db.raw("""
                WITH RECURSIVE needed_snapshots(id) AS (
                  SELECT id FROM ebs_snapshots WHERE deleted_at IS NULL
                  UNION SELECT s.parent_id FROM ebs_snapshots s JOIN needed_snapshots n ON s.id = n.id WHERE s.parent_id IS NOT NULL
                )
                SELECT s.blob AS blob FROM glacier_archive_segments s JOIN glacier_archives a ON a.id = s.archive_id
                  WHERE a.deleted_at IS NULL
                  OR a.id IN (SELECT archive_id FROM glacier_jobs WHERE archive_id IS NOT NULL AND completes_at >= \(bind: since))
                UNION SELECT p.blob AS blob FROM glacier_upload_parts p
                UNION SELECT b.blob AS blob FROM ebs_blocks b WHERE b.snapshot_id IN (SELECT id FROM needed_snapshots)
                UNION SELECT output_blob AS blob FROM glacier_jobs WHERE output_blob IS NOT NULL AND completes_at >= \(bind: since)
                UNION SELECT s.blob AS blob FROM registry_blob_segments s
                  WHERE s.digest IN (SELECT digest FROM registry_repository_blobs)
                UNION SELECT p.blob AS blob FROM registry_upload_parts p
                """).all()
            return Set(try rows.map { try decodeDigest($0, "blob") })
        }
    }
}
