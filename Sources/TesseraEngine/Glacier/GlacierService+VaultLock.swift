import Foundation
import TesseraCore
import TesseraStorage

extension GlacierService {
    /// How long an initiated lock waits for CompleteVaultLock before it lapses.
    static let lockWindow: TimeInterval = 24 * 3600

    /// InitiateVaultLock: attaches the policy in the InProgress state and returns the lock id.
    public func initiateVaultLock(accountID: String, vault: String, policy: String?) async throws -> String {
        _ = try await requireVault(accountID, vault)
        guard let policy else { throw EngineError.missingParameter("Required parameter missing: policy") }
        try VaultPolicyCheck.validate(policy)
        let now = clock.now
        let lock = VaultLock(Policy: policy, State: "InProgress", CreationDate: ISO8601Timestamp.format(now),
                             ExpirationDate: ISO8601Timestamp.format(now.addingTimeInterval(Self.lockWindow)),
                             LockId: RandomID.urlSafe(length: 32))
        try await updating(VaultLock.self, accountID, vault, .lock) { current in
            // AWS answers AccessDenied both while a lock is InProgress and once it is Locked.
            if let current = Self.live(current, at: now) {
                throw EngineError.accessDenied(current.State == "Locked"
                    ? "Vault is already locked: \(vault)" : "Vault lock is already in InProgress state: \(vault)")
            }
            return lock
        }
        return lock.LockId
    }

    /// CompleteVaultLock: InProgress → Locked with the matching lock id; repeating it on a locked vault succeeds.
    public func completeVaultLock(accountID: String, vault: String, lockID: String) async throws {
        _ = try await requireVault(accountID, vault)
        let now = clock.now
        try await updating(VaultLock.self, accountID, vault, .lock) { current in
            guard var lock = Self.live(current, at: now) else {
                throw EngineError.invalidParameter("No vault lock is in progress for: \(vault)")
            }
            guard lock.LockId == lockID else {
                // A wrong id is a bad parameter while InProgress, and a denial once Locked (AWS's documented answers).
                if lock.State == "Locked" { throw EngineError.accessDenied("The vault is locked with another lock ID: \(vault)") }
                throw EngineError.invalidParameter("The lock ID is not valid: \(lockID)")
            }
            lock.State = "Locked"
            lock.ExpirationDate = nil
            return lock
        }
    }

    /// AbortVaultLock: removes an InProgress lock; idempotent without one; a Locked vault stays locked.
    public func abortVaultLock(accountID: String, vault: String) async throws {
        _ = try await requireVault(accountID, vault)
        let now = clock.now
        try await updating(VaultLock.self, accountID, vault, .lock) { current in
            if Self.live(current, at: now)?.State == "Locked" {
                throw EngineError.accessDenied("Vault is locked and its lock cannot be aborted: \(vault)")
            }
            return nil
        }
    }

    public func getVaultLock(accountID: String, vault: String) async throws -> VaultLock {
        _ = try await requireVault(accountID, vault)
        guard let lock = Self.live(try await decoded(VaultLock.self, accountID, vault, .lock), at: clock.now) else {
            throw EngineError.vaultSettingNotFound("No vault lock policy is set for: \(vault)")
        }
        return lock
    }

    /// The lock unless it is an InProgress lock past its window.
    static func live(_ lock: VaultLock?, at now: Date) -> VaultLock? {
        guard let lock else { return nil }
        if lock.State == "InProgress", let expiry = lock.ExpirationDate.flatMap(ISO8601Timestamp.parse), expiry <= now { return nil }
        return lock
    }
}
