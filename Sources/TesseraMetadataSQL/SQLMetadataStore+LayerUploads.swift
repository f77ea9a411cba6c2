import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: LayerUploadMetadata {
    public func insertLayerUpload(_ upload: LayerUploadRecord) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO registry_uploads (id, repository_id, created_at, updated_at, received_bytes, part_count, hash_state, state)
                VALUES (\(bind: upload.id), \(bind: upload.repositoryID), \(bind: upload.createdAt.millis),
                \(bind: upload.updatedAt.millis), \(bind: upload.receivedBytes), \(bind: upload.partCount),
                \(bind: Hex.encode(upload.hashState)), 'open')
                """).run()
        }
    }

    public func layerUpload(id: String) async throws -> LayerUploadRecord? {
        try await sessions.read { db in
            try await db.raw("SELECT * FROM registry_uploads WHERE id = \(bind: id)").first().map(Self.layerUploadRecord)
        }
    }

    public func appendLayerPart(_ part: LayerPartRecord, hashState: [UInt8], at time: Date) async throws -> Bool {
        try await sessions.transaction { db in
            // Claim the upload at exactly the byte count the part was checked against; a part that raced this
            // one (or a completion) has moved it, and this statement then changes nothing.
            let claimed = try await db.raw("""
                UPDATE registry_uploads SET received_bytes = \(bind: part.firstByte + part.length),
                part_count = part_count + 1, hash_state = \(bind: Hex.encode(hashState)), updated_at = \(bind: time.millis)
                WHERE id = \(bind: part.uploadID) AND state = 'open' AND received_bytes = \(bind: part.firstByte)
                AND part_count = \(bind: part.position) RETURNING id
                """).first()
            guard claimed != nil else { return false }
            try await db.raw("""
                INSERT INTO registry_upload_parts (upload_id, position, first_byte, length, blob)
                VALUES (\(bind: part.uploadID), \(bind: part.position), \(bind: part.firstByte), \(bind: part.length),
                \(bind: part.blob.hex))
                """).run()
            return true
        }
    }

    public func layerParts(uploadID: String) async throws -> [LayerPartRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM registry_upload_parts WHERE upload_id = \(bind: uploadID) ORDER BY position
                """).all().map { row in
                    LayerPartRecord(uploadID: uploadID, position: try row.decode(column: "position", as: Int64.self),
                                    firstByte: try row.decode(column: "first_byte", as: Int64.self),
                                    length: try row.decode(column: "length", as: Int64.self), blob: try decodeDigest(row, "blob"))
                }
        }
    }

    public func completeLayerUpload(id: String, receivedBytes: Int64, blob: RegistryBlobRecord, mediaType: String?,
                                    at time: Date) async throws -> CompleteLayerOutcome {
        try await sessions.transaction { db in
            guard let claimed = try await db.raw("""
                UPDATE registry_uploads SET state = 'completed', layer_digest = \(bind: blob.digest), updated_at = \(bind: time.millis)
                WHERE id = \(bind: id) AND state = 'open' AND received_bytes = \(bind: receivedBytes) RETURNING repository_id
                """).first() else { return .uploadChanged }
            let repositoryID = try claimed.decode(column: "repository_id", as: String.self)
            try await Self.storeRegistryBlob(blob, at: time, in: db)
            try await db.raw("DELETE FROM registry_upload_parts WHERE upload_id = \(bind: id)").run()
            let linked = try await db.raw("""
                INSERT INTO registry_repository_blobs (repository_id, digest, media_type, linked_at)
                VALUES (\(bind: repositoryID), \(bind: blob.digest), \(bind: mediaType), \(bind: time.millis))
                ON CONFLICT (repository_id, digest) DO NOTHING RETURNING digest
                """).first()
            return linked == nil ? .alreadyLinked : .linked
        }
    }

    /// Records a blob's content unless a linked copy of it is stored already (whose segments then stay); a
    /// record no repository links any more may name segments a sweep removed, so it is replaced.
    /// The blob's row is made if absent and then held (`FOR UPDATE`) while this is decided, so two uploads of
    /// the same content finishing together on two nodes record it once.
    static func storeRegistryBlob(_ blob: RegistryBlobRecord, at time: Date, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO registry_blobs (digest, size, created_at) VALUES (\(bind: blob.digest), \(bind: blob.size), \(bind: time.millis))
            ON CONFLICT (digest) DO NOTHING
            """).run()
        _ = try await db.raw("SELECT digest FROM registry_blobs WHERE digest = \(bind: blob.digest) \(SQLLockingClause.update)").first()
        let live = try await db.raw("""
            SELECT digest FROM registry_repository_blobs WHERE digest = \(bind: blob.digest) LIMIT 1
            """).first()
        guard live == nil else { return }
        try await db.raw("DELETE FROM registry_blob_segments WHERE digest = \(bind: blob.digest)").run()
        try await db.raw("""
            UPDATE registry_blobs SET size = \(bind: blob.size), created_at = \(bind: time.millis) WHERE digest = \(bind: blob.digest)
            """).run()
        for (position, segment) in blob.segments.enumerated() {
            try await db.raw("""
                INSERT INTO registry_blob_segments (digest, position, blob, length)
                VALUES (\(bind: blob.digest), \(bind: position), \(bind: segment.blob.hex), \(bind: segment.length))
                """).run()
        }
    }

    public func cancelLayerUpload(id: String) async throws -> Bool {
        try await sessions.transaction { db in
            guard try await db.raw("DELETE FROM registry_uploads WHERE id = \(bind: id) AND state = 'open' RETURNING id").first() != nil else {
                return false
            }
            try await db.raw("DELETE FROM registry_upload_parts WHERE upload_id = \(bind: id)").run()
            return true
        }
    }

    public func linkBlob(repositoryID: String, digest: String, mediaType: String?, at time: Date) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO registry_repository_blobs (repository_id, digest, media_type, linked_at)
                SELECT \(bind: repositoryID), digest, \(bind: mediaType), \(bind: time.millis) FROM registry_blobs WHERE digest = \(bind: digest)
                ON CONFLICT (repository_id, digest) DO NOTHING
                """).run()
        }
    }

    public func unlinkBlob(repositoryID: String, digest: String) async throws -> UnlinkOutcome {
        try await sessions.transaction { db in
            // One conditional statement: an image pushed meanwhile that references the blob keeps its link.
            let removed = try await db.raw("""
                DELETE FROM registry_repository_blobs WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)
                AND NOT EXISTS (SELECT 1 FROM registry_image_references r WHERE r.repository_id = \(bind: repositoryID)
                  AND r.referenced_digest = \(bind: digest))
                RETURNING digest
                """).first()
            if removed != nil { return .unlinked }
            let linked = try await db.raw("""
                SELECT digest FROM registry_repository_blobs WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)
                """).first()
            return linked == nil ? .notLinked : .inUse
        }
    }

    public func expireLayerUploads(updatedBefore cutoff: Date) async throws -> Int {
        try await sessions.transaction { db in
            let expired = try await db.raw("""
                DELETE FROM registry_uploads WHERE state = 'open' AND updated_at < \(bind: cutoff.millis) RETURNING id
                """).all()
            for row in expired {
                let id = try row.decode(column: "id", as: String.self)
                try await db.raw("DELETE FROM registry_upload_parts WHERE upload_id = \(bind: id)").run()
            }
            // Completed uploads are kept a while so a retried completion gets a clear answer; then they go too.
            try await db.raw("""
                DELETE FROM registry_uploads WHERE state = 'completed' AND updated_at < \(bind: cutoff.millis)
                """).run()
            return expired.count
        }
    }

    public func linkedBlobs(repositoryID: String, digests: [String]) async throws -> [LinkedBlob] {
        guard !digests.isEmpty else { return [] }
        return try await sessions.read { db in
            var found: [LinkedBlob] = []
            for digest in Set(digests) {
                if let row = try await db.raw("""
                    SELECT l.digest AS digest, b.size AS size, l.media_type AS media_type FROM registry_repository_blobs l
                    JOIN registry_blobs b ON b.digest = l.digest
                    WHERE l.repository_id = \(bind: repositoryID) AND l.digest = \(bind: digest)
                    """).first() {
                    found.append(LinkedBlob(digest: try row.decode(column: "digest", as: String.self),
                                            size: try row.decode(column: "size", as: Int64.self),
                                            mediaType: try row.decode(column: "media_type", as: String?.self)))
                }
            }
            return found
        }
    }

    public func registryBlob(digest: String) async throws -> RegistryBlobRecord? {
        try await sessions.read { db in
            guard let row = try await db.raw("SELECT size FROM registry_blobs WHERE digest = \(bind: digest)").first() else { return nil }
            let segments = try await db.raw("""
                SELECT blob, length FROM registry_blob_segments WHERE digest = \(bind: digest) ORDER BY position
                """).all().map { BlobSegment(blob: try decodeDigest($0, "blob"), length: try $0.decode(column: "length", as: Int64.self)) }
            return RegistryBlobRecord(digest: digest, size: try row.decode(column: "size", as: Int64.self), segments: segments)
        }
    }

    public func expireUnreferencedLinks(linkedBefore cutoff: Date) async throws -> Int {
        try await sessions.transaction { db in
            try await db.raw("""
                DELETE FROM registry_repository_blobs WHERE linked_at < \(bind: cutoff.millis) AND NOT EXISTS (
                  SELECT 1 FROM registry_image_references r WHERE r.repository_id = registry_repository_blobs.repository_id
                  AND r.referenced_digest = registry_repository_blobs.digest)
                RETURNING digest
                """).all().count
        }
    }

    static func layerUploadRecord(_ row: any SQLRow) throws -> LayerUploadRecord {
        let stateText = try row.decode(column: "state", as: String.self)
        let state: LayerUploadRecord.State = stateText == "open"
            ? .open : .completed(layerDigest: try row.decode(column: "layer_digest", as: String?.self) ?? "")
        let hashText = try row.decode(column: "hash_state", as: String.self)
        guard let hashState = Hex.decode(hashText) else { throw StorageError.backend("upload hash state \(hashText)") }
        return LayerUploadRecord(
            id: try row.decode(column: "id", as: String.self),
            repositoryID: try row.decode(column: "repository_id", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            receivedBytes: try row.decode(column: "received_bytes", as: Int64.self),
            partCount: try row.decode(column: "part_count", as: Int64.self),
            hashState: hashState, state: state)
    }
}
