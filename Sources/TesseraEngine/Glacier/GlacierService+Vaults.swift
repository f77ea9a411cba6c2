import Foundation
import TesseraCore
import TesseraStorage

extension GlacierService {
    /// CreateVault: idempotent; a repeat answers as the first did. At most 1,000 vaults per account.
    public func createVault(accountID: String, name: String) async throws {
        try GlacierRules.vaultName(name)
        let vault = VaultRecord(accountID: accountID, name: name, createdAt: clock.now)
        let outcome = try await storage { try await metadata.createVault(vault, maximumPerAccount: maxVaults) }
        guard outcome != .limitReached else {
            throw EngineError.limitExceeded("The account already has \(maxVaults) vaults, the most it may have")
        }
    }

    public func describeVault(accountID: String, name: String) async throws -> VaultRecord {
        try await requireVault(accountID, name)
    }

    /// ListVaults: a page of vaults sorted by name starting at `marker` (a vault name), and the next marker.
    public func listVaults(accountID: String, marker: String?, limit: String?) async throws -> (vaults: [VaultRecord], nextMarker: String?) {
        let limit = try GlacierRules.limit(limit, default: 10)
        let page = try await storage { try await metadata.listVaults(accountID: accountID, fromName: marker, limit: limit + 1) }
        return (Array(page.prefix(limit)), page.count > limit ? page[limit].name : nil)
    }

    /// DeleteVault: only an empty vault.
    public func deleteVault(accountID: String, name: String) async throws {
        try GlacierRules.vaultName(name)
        let deleted: Bool
        do {
            deleted = try await metadata.deleteVaultIfEmpty(accountID: accountID, name: name)
        } catch StorageError.notFound {
            throw EngineError.vaultNotFound(accountID: accountID, vault: name)
        } catch let error as StorageError {
            throw EngineError(error)
        }
        guard deleted else { throw EngineError.vaultNotEmpty(accountID: accountID, vault: name) }
    }
}
