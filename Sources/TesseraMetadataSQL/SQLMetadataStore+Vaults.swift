import Foundation
import SQLKit
import TesseraStorage

extension SQLMetadataStore: VaultMetadata {
    public func createVault(_ vault: VaultRecord) async throws -> Bool {
        try await sessions.transaction { db in
            let existing = try await db.raw("""
                SELECT name FROM glacier_vaults WHERE account_id = \(bind: vault.accountID) AND name = \(bind: vault.name)
                """).first()
            guard existing == nil else { return false }
            try await db.raw("""
                INSERT INTO glacier_vaults (account_id, name, created_at) VALUES
                (\(bind: vault.accountID), \(bind: vault.name), \(bind: vault.createdAt.millis))
                """).run()
            return true
        }
    }

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
            guard let row = try await db.raw("""
                SELECT archive_count FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name)
                """).first() else { throw StorageError.notFound("vault \(name)") }
            guard try row.decode(column: "archive_count", as: Int64.self) == 0 else { return false }
            try await db.raw("""
                DELETE FROM glacier_upload_parts WHERE upload_id IN
                (SELECT id FROM glacier_uploads WHERE account_id = \(bind: accountID) AND vault_name = \(bind: name))
                """).run()
            for table in ["glacier_uploads", "glacier_jobs", "glacier_vault_settings"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE account_id = \(bind: accountID) AND vault_name = \(bind: name)").run()
            }
            try await db.raw("DELETE FROM glacier_vaults WHERE account_id = \(bind: accountID) AND name = \(bind: name)").run()
            return true
        }
    }

    public func updateVaultSetting(accountID: String, vaultName: String, kind: VaultSettingKind,
                                   _ change: @escaping @Sendable (String?) throws -> String?) async throws {
        try await sessions.transaction { db in
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
