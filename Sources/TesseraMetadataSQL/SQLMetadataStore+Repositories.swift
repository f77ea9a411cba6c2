import Foundation
import SQLKit
import TesseraStorage

extension SQLMetadataStore: RepositoryMetadata {
    public func createRepository(_ repository: RepositoryRecord, tags: [RepositoryTag]) async throws -> Bool {
        try await sessions.transaction { db in
            let inserted = try await db.raw("""
                INSERT INTO registry_repositories (id, account_id, registry, name, created_at, tag_mutability,
                mutability_exclusions, scan_on_push, encryption_type, kms_key)
                VALUES (\(bind: repository.id), \(bind: repository.accountID), \(bind: repository.registry.rawValue),
                \(bind: repository.name), \(bind: repository.createdAt.millis), \(bind: repository.imageTagMutability),
                \(bind: repository.mutabilityExclusionFiltersJSON), \(bind: repository.scanOnPush ? 1 : 0),
                \(bind: repository.encryptionType), \(bind: repository.kmsKey))
                ON CONFLICT (account_id, registry, name) DO NOTHING RETURNING id
                """).first()
            guard inserted != nil else { return false }
            for tag in tags {
                try await db.raw("""
                    INSERT INTO registry_repository_tags (repository_id, tag_key, tag_value)
                    VALUES (\(bind: repository.id), \(bind: tag.key), \(bind: tag.value))
                    ON CONFLICT (repository_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                    """).run()
            }
            return true
        }
    }

    public func repository(accountID: String, registry: RegistryKind, name: String) async throws -> RepositoryRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM registry_repositories WHERE account_id = \(bind: accountID)
                AND registry = \(bind: registry.rawValue) AND name = \(bind: name)
                """).first().map(Self.repositoryRecord)
        }
    }

    public func listRepositories(accountID: String, registry: RegistryKind, fromName: String?, limit: Int) async throws -> [RepositoryRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM registry_repositories WHERE account_id = \(bind: accountID)
                AND registry = \(bind: registry.rawValue) AND name >= \(bind: fromName ?? "")
                ORDER BY name LIMIT \(bind: limit)
                """).all().map(Self.repositoryRecord)
        }
    }

    public func deleteRepository(id: String, force: Bool) async throws -> Bool {
        try await sessions.transaction { db in
            try await Self.lockRepository(id, in: db)
            if !force, try await db.raw("SELECT digest FROM registry_images WHERE repository_id = \(bind: id) LIMIT 1").first() != nil {
                return false
            }
            try await db.raw("""
                DELETE FROM registry_upload_parts WHERE upload_id IN (SELECT id FROM registry_uploads WHERE repository_id = \(bind: id))
                """).run()
            for table in ["registry_uploads", "registry_tags", "registry_scans", "registry_image_references", "registry_images",
                          "registry_repository_blobs", "registry_repository_settings", "registry_repository_tags"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE repository_id = \(bind: id)").run()
            }
            try await db.raw("DELETE FROM registry_repositories WHERE id = \(bind: id)").run()
            return true
        }
    }

    public func updateRepository(_ repository: RepositoryRecord) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                UPDATE registry_repositories SET tag_mutability = \(bind: repository.imageTagMutability),
                mutability_exclusions = \(bind: repository.mutabilityExclusionFiltersJSON),
                scan_on_push = \(bind: repository.scanOnPush ? 1 : 0) WHERE id = \(bind: repository.id)
                """).run()
        }
    }

    public func repositorySetting(repositoryID: String, kind: RepositorySettingKind) async throws -> String? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT json FROM registry_repository_settings WHERE repository_id = \(bind: repositoryID) AND kind = \(bind: kind.rawValue)
                """).first().map { try $0.decode(column: "json", as: String.self) }
        }
    }

    public func setRepositorySetting(repositoryID: String, kind: RepositorySettingKind, json: String?) async throws -> String? {
        try await sessions.transaction { db in
            // The repository row orders concurrent changes of its settings (and a setting of a missing
            // repository is not stored: the insert below selects from it).
            _ = try await db.raw("SELECT id FROM registry_repositories WHERE id = \(bind: repositoryID) \(SQLLockingClause.update)").first()
            let previous = try await db.raw("""
                DELETE FROM registry_repository_settings WHERE repository_id = \(bind: repositoryID) AND kind = \(bind: kind.rawValue)
                RETURNING json
                """).first().map { try $0.decode(column: "json", as: String.self) }
            if let json {
                try await db.raw("""
                    INSERT INTO registry_repository_settings (repository_id, kind, json)
                    SELECT id, \(bind: kind.rawValue), \(bind: json) FROM registry_repositories WHERE id = \(bind: repositoryID)
                    """).run()
            }
            return previous
        }
    }

    public func repositories(withSetting kind: RepositorySettingKind) async throws -> [(RepositoryRecord, String)] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT r.*, s.json AS setting_json FROM registry_repositories r JOIN registry_repository_settings s ON s.repository_id = r.id
                WHERE s.kind = \(bind: kind.rawValue) ORDER BY r.id
                """).all().map { (try Self.repositoryRecord($0), try $0.decode(column: "setting_json", as: String.self)) }
        }
    }

    public func repositoryTags(repositoryID: String) async throws -> [RepositoryTag] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT tag_key, tag_value FROM registry_repository_tags WHERE repository_id = \(bind: repositoryID) ORDER BY tag_key
                """).all().map { RepositoryTag(key: try $0.decode(column: "tag_key", as: String.self),
                                               value: try $0.decode(column: "tag_value", as: String.self)) }
        }
    }

    public func tagRepository(repositoryID: String, tags: [RepositoryTag], maxTags: Int) async throws -> Bool {
        struct TooManyTags: Error {}
        do {
            return try await tagRepository(repositoryID: repositoryID, tags: tags, maxTags: maxTags, refusal: TooManyTags())
        } catch is TooManyTags {
            return false
        }
    }

    /// Adds the tags, then throws `refusal` (rolling them back) when the repository holds too many.
    private func tagRepository(repositoryID: String, tags: [RepositoryTag], maxTags: Int, refusal: some Error & Sendable) async throws -> Bool {
        try await sessions.transaction { db in
            // The repository row is the lock that orders concurrent tag changes.
            try await Self.lockRepository(repositoryID, in: db)
            for tag in tags {
                try await db.raw("""
                    INSERT INTO registry_repository_tags (repository_id, tag_key, tag_value)
                    VALUES (\(bind: repositoryID), \(bind: tag.key), \(bind: tag.value))
                    ON CONFLICT (repository_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                    """).run()
            }
            let count = try await db.raw("""
                SELECT COUNT(*) AS n FROM registry_repository_tags WHERE repository_id = \(bind: repositoryID)
                """).first().map { try $0.decode(column: "n", as: Int64.self) } ?? 0
            guard count <= Int64(maxTags) else { throw refusal }
            return true
        }
    }

    public func untagRepository(repositoryID: String, keys: [String]) async throws {
        try await sessions.transaction { db in
            for key in keys {
                try await db.raw("""
                    DELETE FROM registry_repository_tags WHERE repository_id = \(bind: repositoryID) AND tag_key = \(bind: key)
                    """).run()
            }
        }
    }

    public func registrySetting(accountID: String, registry: RegistryKind, name: String) async throws -> String? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT json FROM registry_settings WHERE account_id = \(bind: accountID) AND registry = \(bind: registry.rawValue)
                AND name = \(bind: name)
                """).first().map { try $0.decode(column: "json", as: String.self) }
        }
    }

    public func setRegistrySetting(accountID: String, registry: RegistryKind, name: String, json: String?) async throws -> String? {
        try await sessions.transaction { db in
            // No parent row to lock: the current row is held while it is read, and the write is an upsert, so a
            // setting written meanwhile by another node is replaced rather than refused.
            let previous = try await db.raw("""
                SELECT json FROM registry_settings WHERE account_id = \(bind: accountID) AND registry = \(bind: registry.rawValue)
                AND name = \(bind: name) \(SQLLockingClause.update)
                """).first().map { try $0.decode(column: "json", as: String.self) }
            if let json {
                try await db.raw("""
                    INSERT INTO registry_settings (account_id, registry, name, json)
                    VALUES (\(bind: accountID), \(bind: registry.rawValue), \(bind: name), \(bind: json))
                    ON CONFLICT (account_id, registry, name) DO UPDATE SET json = excluded.json
                    """).run()
            } else {
                try await db.raw("""
                    DELETE FROM registry_settings WHERE account_id = \(bind: accountID) AND registry = \(bind: registry.rawValue)
                    AND name = \(bind: name)
                    """).run()
            }
            return previous
        }
    }

    public func registrySettings(accountID: String, registry: RegistryKind, prefix: String) async throws -> [(name: String, json: String)] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT name, json FROM registry_settings WHERE account_id = \(bind: accountID) AND registry = \(bind: registry.rawValue)
                AND substr(name, 1, CAST(\(bind: prefix.unicodeScalars.count) AS INTEGER)) = \(bind: prefix) ORDER BY name
                """).all().map { (name: try $0.decode(column: "name", as: String.self), json: try $0.decode(column: "json", as: String.self)) }
        }
    }

    /// Holds the repository row until the transaction ends (`FOR UPDATE`; on SQLite the single writer does
    /// that already): every change to a repository's images, tags and settings takes this lock first, so they
    /// apply one at a time, whichever node runs them. Throws ``StorageError/notFound(_:)`` when it is gone.
    static func lockRepository(_ id: String, in db: any SQLDatabase) async throws {
        guard try await db.raw("SELECT id FROM registry_repositories WHERE id = \(bind: id) \(SQLLockingClause.update)")
            .first() != nil else { throw StorageError.notFound("repository \(id)") }
    }

    static func repositoryRecord(_ row: any SQLRow) throws -> RepositoryRecord {
        let registryText = try row.decode(column: "registry", as: String.self)
        guard let registry = RegistryKind(rawValue: registryText) else { throw StorageError.backend("registry kind \(registryText)") }
        return RepositoryRecord(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            registry: registry,
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            imageTagMutability: try row.decode(column: "tag_mutability", as: String.self),
            mutabilityExclusionFiltersJSON: try row.decode(column: "mutability_exclusions", as: String?.self),
            scanOnPush: try row.decode(column: "scan_on_push", as: Int64.self) != 0,
            encryptionType: try row.decode(column: "encryption_type", as: String.self),
            kmsKey: try row.decode(column: "kms_key", as: String?.self))
    }
}
