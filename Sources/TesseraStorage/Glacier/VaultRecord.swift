import Foundation

/// A Glacier vault as stored.
public struct VaultRecord: Sendable, Equatable {
    public var accountID: String
    public var name: String
    public var createdAt: Date
    /// Live count of archives not deleted.
    public var archiveCount: Int64
    /// Live sum of their sizes.
    public var sizeInBytes: Int64
    /// When an archive was last added or deleted; nil while the vault has never held one.
    public var lastInventoryAt: Date?

    public init(accountID: String, name: String, createdAt: Date, archiveCount: Int64 = 0,
                sizeInBytes: Int64 = 0, lastInventoryAt: Date? = nil) {
        self.accountID = accountID
        self.name = name
        self.createdAt = createdAt
        self.archiveCount = archiveCount
        self.sizeInBytes = sizeInBytes
        self.lastInventoryAt = lastInventoryAt
    }
}

/// The per-vault documents Glacier keeps beside a vault, each stored as one JSON text.
public enum VaultSettingKind: String, Sendable, CaseIterable {
    case tags
    case accessPolicy = "access-policy"
    case notifications
    case lock
}
