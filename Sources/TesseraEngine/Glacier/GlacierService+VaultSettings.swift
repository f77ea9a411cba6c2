import Foundation
import TesseraCore
import TesseraStorage

/// A vault's notification configuration.
public struct VaultNotifications: Codable, Sendable, Equatable {
    public var SNSTopic: String?
    public var Events: [String]?
    public init(SNSTopic: String?, Events: [String]?) {
        self.SNSTopic = SNSTopic
        self.Events = Events
    }
}

/// A vault lock as GetVaultLock reports it.
public struct VaultLock: Codable, Sendable, Equatable {
    public var Policy: String
    public var State: String
    public var CreationDate: String
    public var ExpirationDate: String?
    public var LockId: String
}

extension GlacierService {
    static let maxTags = 50

    public func listTagsForVault(accountID: String, vault: String) async throws -> [String: String] {
        _ = try await requireVault(accountID, vault)
        return try await decoded([String: String].self, accountID, vault, .tags) ?? [:]
    }

    /// AddTagsToVault: merges; at most 50 tags per vault.
    public func addTagsToVault(accountID: String, vault: String, tags: [String: String]) async throws {
        _ = try await requireVault(accountID, vault)
        for (key, value) in tags where key.isEmpty || key.count > 128 || value.count > 256 {
            throw EngineError.invalidParameter("Invalid tag: \(key). Keys are 1 to 128 characters, values at most 256.")
        }
        try await updating([String: String].self, accountID, vault, .tags) { current in
            let merged = (current ?? [:]).merging(tags) { _, new in new }
            guard merged.count <= Self.maxTags else {
                throw EngineError.limitExceeded("The vault would have \(merged.count) tags; a vault has at most \(Self.maxTags).")
            }
            return merged
        }
    }

    public func removeTagsFromVault(accountID: String, vault: String, keys: [String]) async throws {
        _ = try await requireVault(accountID, vault)
        try await updating([String: String].self, accountID, vault, .tags) { current in
            var tags = current ?? [:]
            for key in keys { tags.removeValue(forKey: key) }
            return tags.isEmpty ? nil : tags
        }
    }

    public func setVaultAccessPolicy(accountID: String, vault: String, policy: String?) async throws {
        _ = try await requireVault(accountID, vault)
        guard let policy else { throw EngineError.missingParameter("Required parameter missing: policy") }
        try VaultPolicyCheck.validate(policy)
        try await updating(String.self, accountID, vault, .accessPolicy) { _ in policy }
    }

    /// The access policy, or ResourceNotFound when none is set.
    public func getVaultAccessPolicy(accountID: String, vault: String) async throws -> String {
        _ = try await requireVault(accountID, vault)
        guard let policy = try await decoded(String.self, accountID, vault, .accessPolicy) else {
            throw EngineError.vaultSettingNotFound("No vault access policy is set for: \(vault)")
        }
        return policy
    }

    public func deleteVaultAccessPolicy(accountID: String, vault: String) async throws {
        _ = try await requireVault(accountID, vault)
        try await updating(String.self, accountID, vault, .accessPolicy) { _ in nil }
    }

    public func setVaultNotifications(accountID: String, vault: String, config: VaultNotifications) async throws {
        _ = try await requireVault(accountID, vault)
        let allowed: Set<String> = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"]
        for event in config.Events ?? [] where !allowed.contains(event) {
            throw EngineError.invalidParameter("Invalid event: \(event)")
        }
        try await updating(VaultNotifications.self, accountID, vault, .notifications) { _ in config }
    }

    public func getVaultNotifications(accountID: String, vault: String) async throws -> VaultNotifications {
        _ = try await requireVault(accountID, vault)
        guard let config = try await decoded(VaultNotifications.self, accountID, vault, .notifications) else {
            throw EngineError.vaultSettingNotFound("No notification configuration is set for vault: \(vault)")
        }
        return config
    }

    public func deleteVaultNotifications(accountID: String, vault: String) async throws {
        _ = try await requireVault(accountID, vault)
        try await updating(VaultNotifications.self, accountID, vault, .notifications) { _ in nil }
    }

    func decoded<T: Codable & Sendable>(_ type: T.Type, _ accountID: String, _ vault: String, _ kind: VaultSettingKind) async throws -> T? {
        guard let json = try await storage({ try await metadata.vaultSetting(accountID: accountID, vaultName: vault, kind: kind) }) else {
            return nil
        }
        return try? JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    /// Reads, changes and writes one settings document in a single transaction.
    func updating<T: Codable & Sendable>(_ type: T.Type, _ accountID: String, _ vault: String, _ kind: VaultSettingKind,
                                         _ change: @escaping @Sendable (T?) throws -> T?) async throws {
        do {
            try await metadata.updateVaultSetting(accountID: accountID, vaultName: vault, kind: kind) { json in
                let current = json.flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
                guard let next = try change(current) else { return nil }
                return String(decoding: try JSONEncoder().encode(next), as: UTF8.self)
            }
        } catch let error as StorageError {
            throw EngineError(error)
        }
    }
}
