import Foundation
import TesseraCore

/// Vaults and their settings documents.
public protocol VaultMetadata: Sendable {
    /// Inserts a vault unless it exists or its account already has `maximumPerAccount` vaults; one conditional
    /// statement, ordered per account against other creations, so racing creations never pass the limit.
    func createVault(_ vault: VaultRecord, maximumPerAccount: Int) async throws -> VaultCreation
    func vault(accountID: String, name: String) async throws -> VaultRecord?
    /// Vaults of an account sorted by name, starting at `fromName` (inclusive), at most `limit`.
    func listVaults(accountID: String, fromName: String?, limit: Int) async throws -> [VaultRecord]
    /// Deletes the vault when it holds no archive. Returns false when it holds one; throws notFound when absent.
    func deleteVaultIfEmpty(accountID: String, name: String) async throws -> Bool
    /// Reads a settings document and replaces it with what `change` returns (nil deletes), in one transaction.
    /// `change` may throw to leave it unchanged.
    func updateVaultSetting(accountID: String, vaultName: String, kind: VaultSettingKind,
                            _ change: @escaping @Sendable (String?) throws -> String?) async throws
    func vaultSetting(accountID: String, vaultName: String, kind: VaultSettingKind) async throws -> String?
}

/// Archives and their segments.
public protocol ArchiveMetadata: Sendable {
    /// Inserts an archive and counts it in its vault.
    func insertArchive(_ archive: ArchiveRecord) async throws
    /// A live archive (not deleted) with its segments.
    func archive(accountID: String, vaultName: String, id: String) async throws -> ArchiveRecord?
    /// Marks an archive deleted; returns false if it was not live.
    func deleteArchive(accountID: String, vaultName: String, id: String, at time: Date) async throws -> Bool
    /// Every live archive of a vault, oldest first, created in [from, to) when given.
    func listArchives(accountID: String, vaultName: String) async throws -> [ArchiveRecord]
    /// Whether the vault holds or held the archive (live or deleted): a delete repeated is not an error, but an
    /// archive of another vault or account is not found.
    func archiveExisted(accountID: String, vaultName: String, id: String) async throws -> Bool
    /// A deleted or live archive's segments, by id (a job made before the delete still reads them).
    func archiveSegments(id: String) async throws -> [BlobSegment]
}

/// Multipart uploads and their parts.
public protocol MultipartMetadata: Sendable {
    /// Records a new upload; throws ``StorageError/notFound(_:)`` when its vault does not exist (or is being deleted).
    func insertUpload(_ upload: UploadRecord) async throws
    func upload(accountID: String, vaultName: String, id: String) async throws -> UploadRecord?
    /// Open uploads of a vault ordered by (createdAt, id), starting at `fromID` (inclusive).
    /// - Throws: ``StorageError/notFound(_:)`` when `fromID` names no upload.
    func listOpenUploads(accountID: String, vaultName: String, fromID: String?, limit: Int) async throws -> [UploadRecord]
    /// Records a part (replacing one with the same first byte) if the upload is still open.
    /// - Throws: ``StorageError/conflict(_:)`` when the upload is no longer open.
    func putPart(_ part: PartRecord) async throws
    /// Parts by first byte ascending, from `fromFirstByte` (inclusive).
    func parts(uploadID: String, fromFirstByte: Int64, limit: Int) async throws -> [PartRecord]
    /// Marks the upload completed into `archive` and inserts the archive, atomically, if the upload is still open.
    /// - Throws: ``StorageError/conflict(_:)`` when it is not.
    func completeUpload(id: String, into archive: ArchiveRecord) async throws
    /// Marks the upload aborted and drops its parts.
    func abortUpload(id: String) async throws
}

/// Jobs.
public protocol JobMetadata: Sendable {
    /// Records a new job; throws ``StorageError/notFound(_:)`` when its vault does not exist (or is being deleted).
    func insertJob(_ job: JobRecord) async throws
    func job(accountID: String, vaultName: String, id: String) async throws -> JobRecord?
    /// Jobs of a vault ordered by (createdAt, id), from `fromID` (inclusive), filtered.
    /// - Throws: ``StorageError/notFound(_:)`` when `fromID` names no job.
    func listJobs(accountID: String, vaultName: String, filter: JobFilter, fromID: String?, limit: Int) async throws -> [JobRecord]
}

/// Account-wide Glacier settings: data retrieval policy (one JSON document) and provisioned capacity units.
public protocol AccountSettingsMetadata: Sendable {
    func dataRetrievalPolicy(accountID: String) async throws -> String?
    func setDataRetrievalPolicy(accountID: String, json: String) async throws
    /// Inserts a unit unless the account already holds `maximumActive` units that expire after the new one's start;
    /// one conditional statement, ordered per account against other purchases. Returns whether it was inserted.
    func insertProvisionedCapacity(_ unit: ProvisionedCapacityRecord, maximumActive: Int) async throws -> Bool
    func provisionedCapacity(accountID: String) async throws -> [ProvisionedCapacityRecord]
}

/// A purchased provisioned-capacity unit.
public struct ProvisionedCapacityRecord: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var startDate: Date
    public var expirationDate: Date

    public init(id: String, accountID: String, startDate: Date, expirationDate: Date) {
        self.id = id
        self.accountID = accountID
        self.startDate = startDate
        self.expirationDate = expirationDate
    }
}

/// Everything the Glacier service keeps.
public typealias GlacierMetadataStore = VaultMetadata & ArchiveMetadata & MultipartMetadata & JobMetadata & AccountSettingsMetadata

/// What ``VaultMetadata/createVault(_:maximumPerAccount:)`` did.
public enum VaultCreation: Sendable, Equatable {
    case created
    /// The vault existed already; nothing changed.
    case exists
    /// The account has as many vaults as it may; nothing changed.
    case limitReached
}

extension AccountSettingsMetadata {
    /// Inserts a unit, with no limit per account.
    public func insertProvisionedCapacity(_ unit: ProvisionedCapacityRecord) async throws {
        _ = try await insertProvisionedCapacity(unit, maximumActive: .max)
    }
}

extension VaultMetadata {
    /// Inserts a vault, with no limit per account; returns false (and changes nothing) when it already exists.
    public func createVault(_ vault: VaultRecord) async throws -> Bool {
        try await createVault(vault, maximumPerAccount: .max) == .created
    }
}
