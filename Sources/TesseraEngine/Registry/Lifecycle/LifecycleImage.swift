import Foundation

/// What lifecycle evaluation needs to know about one image of a repository.
public struct LifecycleImage: Sendable, Equatable {
    /// The manifest digest (`sha256:…`).
    public var digest: String
    /// The image's tags; empty for an untagged image.
    public var tags: [String]
    /// When the image was pushed (`imagePushedAt`, ECR's `pushed_at_time`).
    public var pushedAt: Date
    /// When the image was last pulled (`lastRecordedPullTime`), nil if never.
    public var lastPulledAt: Date?
    /// The storage class the image is in now.
    public var storageClass: LifecycleStorageClass
    /// When the image last moved to the archive class (ECR's `last_archived_at`), nil if never.
    public var lastArchivedAt: Date?
    /// When the image was last restored from the archive (ECR's `last_activated_at`), nil if never.
    public var lastActivatedAt: Date?
    /// Digests of the manifest lists (image indexes) in the repository that reference this image.
    public var manifestListDigests: [String]

    /// An image; the archive and manifest-list facts default to a plain standard image.
    public init(digest: String, tags: [String], pushedAt: Date, lastPulledAt: Date? = nil,
                storageClass: LifecycleStorageClass = .standard, lastArchivedAt: Date? = nil,
                lastActivatedAt: Date? = nil, manifestListDigests: [String] = []) {
        self.digest = digest
        self.tags = tags
        self.pushedAt = pushedAt
        self.lastPulledAt = lastPulledAt
        self.storageClass = storageClass
        self.lastArchivedAt = lastArchivedAt
        self.lastActivatedAt = lastActivatedAt
        self.manifestListDigests = manifestListDigests
    }
}
