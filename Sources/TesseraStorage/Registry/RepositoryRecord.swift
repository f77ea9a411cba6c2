import Foundation

/// A repository: a named set of images, tags and linked layers in one account's registry.
public struct RepositoryRecord: Sendable, Equatable {
    /// An opaque id that never names another repository, even one later created with the same name:
    /// uploads, images and tags hang off it.
    public var id: String
    public var accountID: String
    public var registry: RegistryKind
    public var name: String
    public var createdAt: Date
    /// `MUTABLE`, `IMMUTABLE`, `MUTABLE_WITH_EXCLUSION` or `IMMUTABLE_WITH_EXCLUSION`.
    public var imageTagMutability: String
    /// The exclusion filters of the `…_WITH_EXCLUSION` settings, as ECR's JSON list.
    public var mutabilityExclusionFiltersJSON: String?
    public var scanOnPush: Bool
    /// `AES256`, `KMS` or `KMS_DSSE`.
    public var encryptionType: String
    public var kmsKey: String?

    public init(id: String, accountID: String, registry: RegistryKind, name: String, createdAt: Date,
                imageTagMutability: String = "MUTABLE", mutabilityExclusionFiltersJSON: String? = nil,
                scanOnPush: Bool = false, encryptionType: String = "AES256", kmsKey: String? = nil) {
        self.id = id
        self.accountID = accountID
        self.registry = registry
        self.name = name
        self.createdAt = createdAt
        self.imageTagMutability = imageTagMutability
        self.mutabilityExclusionFiltersJSON = mutabilityExclusionFiltersJSON
        self.scanOnPush = scanOnPush
        self.encryptionType = encryptionType
        self.kmsKey = kmsKey
    }
}

/// The documents a repository keeps beside its record, each replaced whole.
public enum RepositorySettingKind: String, Sendable, CaseIterable {
    case policy
    case lifecyclePolicy = "lifecycle-policy"
    /// ECR Public's catalog data (description, about, usage, architectures, …).
    case catalogData = "catalog-data"
    /// The outcome of the last StartLifecyclePolicyPreview.
    case lifecyclePreview = "lifecycle-preview"
    /// When the lifecycle policy was last applied (seconds since 1970, as text).
    case lifecycleEvaluatedAt = "lifecycle-evaluated-at"
}
