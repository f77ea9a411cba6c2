import Foundation
import SQLKit
import TesseraStorage

extension SQLMetadataStore: ImageMetadata {
    public func putImage(_ image: ImageRecord, tag: String?, mayMoveTag: Bool) async throws -> PutImageOutcome {
        try await sessions.transaction { db in
            // The repository row orders concurrent pushes and deletes in one repository.
            try await Self.lockRepository(image.repositoryID, in: db)
            let exists = try await db.raw("""
                SELECT digest FROM registry_images WHERE repository_id = \(bind: image.repositoryID) AND digest = \(bind: image.digest)
                """).first() != nil
            var current: String?
            if let tag {
                current = try await db.raw("""
                    SELECT image_digest FROM registry_tags WHERE repository_id = \(bind: image.repositoryID) AND tag = \(bind: tag)
                    """).first().map { try $0.decode(column: "image_digest", as: String.self) }
            }
            if exists && (tag == nil || current == image.digest) { return .alreadyExists }
            if let current, current != image.digest, !mayMoveTag { return .tagHeld(by: current) }
            if !exists {
                // The blobs were checked before this transaction; an expiry pass may have unlinked one since.
                // Touching their links here both checks them and keeps the next pass from taking them.
                var missing: [String] = []
                for reference in Set(image.references) where reference.kind == .blob {
                    let touched = try await db.raw("""
                        UPDATE registry_repository_blobs SET linked_at = \(bind: image.pushedAt.millis)
                        WHERE repository_id = \(bind: image.repositoryID) AND digest = \(bind: reference.digest) RETURNING digest
                        """).first()
                    if touched == nil { missing.append(reference.digest) }
                }
                guard missing.isEmpty else { return .blobsMissing(missing.sorted()) }
                try await Self.insertImage(image, in: db)
            }
            if let tag {
                try await db.raw("""
                    INSERT INTO registry_tags (repository_id, tag, image_digest, updated_at)
                    VALUES (\(bind: image.repositoryID), \(bind: tag), \(bind: image.digest), \(bind: image.pushedAt.millis))
                    ON CONFLICT (repository_id, tag) DO UPDATE SET image_digest = excluded.image_digest, updated_at = excluded.updated_at
                    """).run()
            }
            return .stored(imageIsNew: !exists, previousTagTarget: current == image.digest ? nil : current)
        }
    }

    static func insertImage(_ image: ImageRecord, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO registry_images (repository_id, digest, manifest, media_type, artifact_media_type, artifact_type, subject,
            size, pushed_at, last_pulled_at, status)
            VALUES (\(bind: image.repositoryID), \(bind: image.digest), \(bind: image.manifest), \(bind: image.mediaType),
            \(bind: image.artifactMediaType), \(bind: image.artifactType), \(bind: image.subject), \(bind: image.size),
            \(bind: image.pushedAt.millis), \(bind: image.lastPulledAt?.millis), \(bind: image.status))
            """).run()
        for reference in Set(image.references) {
            try await db.raw("""
                INSERT INTO registry_image_references (repository_id, image_digest, referenced_digest, kind)
                VALUES (\(bind: image.repositoryID), \(bind: image.digest), \(bind: reference.digest), \(bind: reference.kind.rawValue))
                ON CONFLICT (repository_id, image_digest, referenced_digest) DO NOTHING
                """).run()
            if reference.kind == .blob, let mediaType = reference.mediaType {
                try await db.raw("""
                    UPDATE registry_repository_blobs SET media_type = \(bind: mediaType)
                    WHERE repository_id = \(bind: image.repositoryID) AND digest = \(bind: reference.digest)
                    """).run()
            }
        }
    }

    public func image(repositoryID: String, digest: String) async throws -> ImageRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM registry_images WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)
                """).first().map(Self.imageRecord)
        }
    }

    public func taggedDigest(repositoryID: String, tag: String) async throws -> String? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT image_digest FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND tag = \(bind: tag)
                """).first().map { try $0.decode(column: "image_digest", as: String.self) }
        }
    }

    public func listImages(repositoryID: String, after cursor: ImageCursor?, inclusive: Bool, limit: Int) async throws -> [TaggedImage] {
        let millis = cursor?.pushedAt.millis ?? -1
        let digest = cursor?.digest ?? ""
        return try await sessions.read { db in
            let images = try await db.raw("""
                SELECT * FROM registry_images WHERE repository_id = \(bind: repositoryID)
                AND (pushed_at > \(bind: millis) OR (pushed_at = \(bind: millis) AND (digest > \(bind: digest)
                OR (\(bind: inclusive ? 1 : 0) = 1 AND digest = \(bind: digest)))))
                ORDER BY pushed_at, digest LIMIT \(bind: limit)
                """).all().map(Self.imageRecord)
            let tags = try await Self.tags(repositoryID: repositoryID, digests: images.map(\.digest), in: db)
            return images.map { TaggedImage(image: $0, tags: tags[$0.digest] ?? []) }
        }
    }

    public func listTags(repositoryID: String, after last: String?, limit: Int) async throws -> [String] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT tag FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND tag > \(bind: last ?? "")
                ORDER BY tag LIMIT \(bind: limit)
                """).all().map { try $0.decode(column: "tag", as: String.self) }
        }
    }

    public func tags(repositoryID: String, digests: [String]) async throws -> [String: [String]] {
        try await sessions.read { db in try await Self.tags(repositoryID: repositoryID, digests: digests, in: db) }
    }

    static func tags(repositoryID: String, digests: [String], in db: any SQLDatabase) async throws -> [String: [String]] {
        var found: [String: [String]] = [:]
        for digest in Set(digests) {
            found[digest] = try await db.raw("""
                SELECT tag FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: digest) ORDER BY tag
                """).all().map { try $0.decode(column: "tag", as: String.self) }
        }
        return found
    }

    public func imageCount(repositoryID: String) async throws -> Int {
        try await sessions.read { db in
            Int(try await db.raw("SELECT COUNT(*) AS n FROM registry_images WHERE repository_id = \(bind: repositoryID)")
                .first().map { try $0.decode(column: "n", as: Int64.self) } ?? 0)
        }
    }

    public func deleteTagOnly(repositoryID: String, tag: String) async throws -> Bool {
        try await sessions.transaction { db in
            try await db.raw("""
                DELETE FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND tag = \(bind: tag) RETURNING tag
                """).first() != nil
        }
    }

    public func deleteTag(repositoryID: String, tag: String) async throws -> String? {
        try await sessions.transaction { db in
            try await Self.lockRepository(repositoryID, in: db)
            guard let target = try await db.raw("""
                DELETE FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND tag = \(bind: tag) RETURNING image_digest
                """).first().map({ try $0.decode(column: "image_digest", as: String.self) }) else { return nil }
            let stillTagged = try await db.raw("""
                SELECT tag FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: target) LIMIT 1
                """).first() != nil
            if !stillTagged, try await Self.listingIndexes(of: target, repositoryID: repositoryID, in: db).isEmpty {
                try await Self.removeImage(repositoryID: repositoryID, digest: target, in: db)
            }
            return target
        }
    }

    public func deleteImage(repositoryID: String, digest: String) async throws -> DeleteImageOutcome {
        try await sessions.transaction { db in
            try await Self.lockRepository(repositoryID, in: db)
            guard try await db.raw("""
                SELECT digest FROM registry_images WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)
                """).first() != nil else { return .notFound }
            let indexes = try await Self.listingIndexes(of: digest, repositoryID: repositoryID, in: db)
            guard indexes.isEmpty else { return .referencedByIndex(indexes) }
            let tags = try await db.raw("""
                DELETE FROM registry_tags WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: digest) RETURNING tag
                """).all().map { try $0.decode(column: "tag", as: String.self) }
            try await Self.removeImage(repositoryID: repositoryID, digest: digest, in: db)
            return .deleted(tags: tags.sorted())
        }
    }

    /// The indexes (manifest lists) in the repository that list `digest`.
    static func listingIndexes(of digest: String, repositoryID: String, in db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT image_digest FROM registry_image_references WHERE repository_id = \(bind: repositoryID)
            AND referenced_digest = \(bind: digest) AND kind = 'manifest' ORDER BY image_digest
            """).all().map { try $0.decode(column: "image_digest", as: String.self) }
    }

    static func removeImage(repositoryID: String, digest: String, in db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM registry_scans WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: digest)").run()
        try await db.raw("""
            DELETE FROM registry_image_references WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: digest)
            """).run()
        try await db.raw("DELETE FROM registry_images WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)").run()
    }

    public func referrers(repositoryID: String, subject: String) async throws -> [ImageRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM registry_images WHERE repository_id = \(bind: repositoryID) AND subject = \(bind: subject)
                ORDER BY pushed_at, digest
                """).all().map(Self.imageRecord)
        }
    }

    public func recordPull(repositoryID: String, digest: String, at time: Date) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                UPDATE registry_images SET last_pulled_at = \(bind: time.millis)
                WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest)
                """).run()
        }
    }

    public func setImageStatus(repositoryID: String, digest: String, status: String, at time: Date) async throws -> Bool {
        let column = status == "ARCHIVED" ? "last_archived_at" : "last_activated_at"
        return try await sessions.transaction { db in
            try await db.raw("""
                UPDATE registry_images SET status = \(bind: status), \(unsafeRaw: column) = \(bind: time.millis)
                WHERE repository_id = \(bind: repositoryID) AND digest = \(bind: digest) AND status <> \(bind: status)
                RETURNING digest
                """).first() != nil
        }
    }

    public func isReferenced(repositoryID: String, digest: String) async throws -> Bool {
        try await sessions.read { db in
            try await db.raw("""
                SELECT image_digest FROM registry_image_references WHERE repository_id = \(bind: repositoryID)
                AND referenced_digest = \(bind: digest) AND kind = 'blob' LIMIT 1
                """).first() != nil
        }
    }

    public func indexMembership(repositoryID: String) async throws -> [String: [String]] {
        try await sessions.read { db in
            var found: [String: [String]] = [:]
            for row in try await db.raw("""
                SELECT image_digest, referenced_digest FROM registry_image_references
                WHERE repository_id = \(bind: repositoryID) AND kind = 'manifest'
                """).all() {
                found[try row.decode(column: "referenced_digest", as: String.self), default: []]
                    .append(try row.decode(column: "image_digest", as: String.self))
            }
            return found
        }
    }

    public func recordScan(_ scan: ImageScanRecord) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO registry_scans (repository_id, image_digest, status, description, completed_at)
                SELECT repository_id, digest, \(bind: scan.status), \(bind: scan.description), \(bind: scan.completedAt.millis)
                FROM registry_images WHERE repository_id = \(bind: scan.repositoryID) AND digest = \(bind: scan.digest)
                ON CONFLICT (repository_id, image_digest) DO UPDATE SET status = excluded.status,
                description = excluded.description, completed_at = excluded.completed_at
                """).run()
        }
    }

    public func scans(repositoryID: String, digests: [String]) async throws -> [String: ImageScanRecord] {
        try await sessions.read { db in
            var found: [String: ImageScanRecord] = [:]
            for digest in Set(digests) {
                if let row = try await db.raw("""
                    SELECT * FROM registry_scans WHERE repository_id = \(bind: repositoryID) AND image_digest = \(bind: digest)
                    """).first() {
                    found[digest] = ImageScanRecord(
                        repositoryID: repositoryID, digest: digest, status: try row.decode(column: "status", as: String.self),
                        description: try row.decode(column: "description", as: String.self),
                        completedAt: Date(millis: try row.decode(column: "completed_at", as: Int64.self)))
                }
            }
            return found
        }
    }

    static func imageRecord(_ row: any SQLRow) throws -> ImageRecord {
        ImageRecord(
            repositoryID: try row.decode(column: "repository_id", as: String.self),
            digest: try row.decode(column: "digest", as: String.self),
            manifest: try row.decode(column: "manifest", as: String.self),
            mediaType: try row.decode(column: "media_type", as: String.self),
            artifactMediaType: try row.decode(column: "artifact_media_type", as: String?.self),
            artifactType: try row.decode(column: "artifact_type", as: String?.self),
            subject: try row.decode(column: "subject", as: String?.self),
            size: try row.decode(column: "size", as: Int64.self),
            pushedAt: Date(millis: try row.decode(column: "pushed_at", as: Int64.self)),
            lastPulledAt: try row.decode(column: "last_pulled_at", as: Int64?.self).map(Date.init(millis:)),
            status: try row.decode(column: "status", as: String.self),
            lastArchivedAt: try row.decode(column: "last_archived_at", as: Int64?.self).map(Date.init(millis:)),
            lastActivatedAt: try row.decode(column: "last_activated_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
