import Foundation
import SQLKit
import TesseraStorage

extension SQLMetadataStore: VaultMetadata {
    public func createVault(_ vault: VaultRecord, maximumPerAccount: Int) async throws -> VaultCreation {
        try await sessions.transaction { db in
            // The count and the insert are one statement, ordered per account against other creations.
            try await Self.orderPerAccount(db, purpose: Self.vaultCreationLockKey, accountID: vault.accountID)
            let created = try await db.raw("""
                INSERT INTO glacier_vaults (account_id, name, created_at)
                SELECT \(bind: vault.accountID), \(bind: vault.name), \(bind: vault.createdAt.millis)
                WHERE (SELECT COUNT(*) FROM glacier_vaults WHERE account_id = \(bind: vault.accountID)) < \(bind: Int64(clamping: maximumPerAccount))
                ON CONFLICT (account_id, name) DO NOTHING RETURNING name
                """).first() != nil
            if created { return .created }
            let exists = try await db.raw("""
                SELECT name FROM glacier_vaults WHERE account_id = \(bind: vault.accountID) AND name = \(bind: vault.name)
                """).first() != nil
            return exists ? .exists : .limitReached
        }
    }

    /// The first half of the advisory-lock key that orders vault creations of one account on PostgreSQL.
    static let vaultCreationLockKey: Int32 = 0x7661_756C

    public func vault(accountID: String, name: String) async throws -> VaultRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name)
                """).first().map(Self.vaultRecord)
        }
    }

    public func listVaults(accountID: String, fromName: String?, limit: Int) async throws -> [VaultRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name >= \(bind: fromName ?? "")
                ORDER BY name LIMIT \(bind: limit)
                """).all().map(Self.vaultRecord)
        }
    }

    public func deleteVaultIfEmpty(accountID: String, name: String) async throws -> Bool {
        try await sessions.transaction { db in
            // The vault goes first, in one conditional statement; an archive, upload or job being added to it
            // holds its row and is waited for (and then counted), or finds it gone.
            guard try await db.raw("""
                DELETE FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name)
                AND archive_count = 0 RETURNING name
                """).first() != nil else {
                guard try await db.raw("""
                    SELECT name FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name)
                    """).first() != nil else { throw StorageError.notFound("vault \(name)") }
                return false
            }
            try await db.raw("""
                DELETE FROM glacier_upload_parts WHERE upload_id IN
                (SELECT id FROM glacier_uploads WHERE account_id = \(bind: accountID) AND vault_name = \(bind: name))
                """).run()
            for table in ["glacier_uploads", "glacier_jobs", "glacier_vault_settings"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE account_id = \(bind: accountID) AND vault_name = \(bind: name)").run()
            }
            return true
        }
    }

    public func updateVaultSetting(accountID: String, vaultName: String, kind: VaultSettingKind,
                                   _ change: @escaping @Sendable (String?) throws -> String?) async throws {
        try await sessions.transaction { db in
            // The vault row orders concurrent read-modify-writes of its settings.
            _ = try await db.raw("""
                SELECT name FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: vaultName)
                \(SQLLockingClause.update)
                """).first()
            let current = try await db.raw("""
                SELECT json FROM glacier_vault_settings WHERE account_id = \(bind: accountID)
                AND vault_name = \(bind: vaultName) AND kind = \(bind: kind.rawValue)
                """).first().map { try $0.decode(column: "json", as: String.self) }
            let next = try change(current)
            try await db.raw("""
                DELETE FROM glacier_vault_settings WHERE account_id = \(bind: accountID)
                AND vault_name = \(bind: vaultName) AND kind = \(bind: kind.rawValue)
                """).run()
            if let next {
                try await db.raw("""
                    INSERT INTO glacier_vault_settings (account_id, vault_name, kind, json) VALUES
                    (\(bind: accountID), \(bind: vaultName), \(bind: kind.rawValue), \(bind: next))
                    """).run()
            }
        }
    }

    public func vaultSetting(accountID: String, vaultName: String, kind: VaultSettingKind) async throws -> String? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT json FROM glacier_vault_settings WHERE account_id = \(bind: accountID)
                AND vault_name = \(bind: vaultName) AND kind = \(bind: kind.rawValue)
                """).first().map { try $0.decode(column: "json", as: String.self) }
        }
    }

    /// Throws unless the vault exists, holding its row shared until the transaction ends.
    static func requireVault(accountID: String, name: String, in db: any SQLDatabase) async throws {
        guard try await db.raw("""
            SELECT name FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name) \(SQLLockingClause.share)
            """).first() != nil else { throw StorageError.notFound("vault \(name)") }
    }

    static func vaultRecord(_ row: any SQLRow) throws -> VaultRecord {
        VaultRecord(
            accountID: try row.decode(column: "account_id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            archiveCount: try row.decode(column: "archive_count", as: Int64.self),
            sizeInBytes: try row.decode(column: "size_bytes", as: Int64.self),
            lastInventoryAt: try row.decode(column: "last_inventory_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
