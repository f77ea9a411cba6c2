import Foundation

/// Whether a lifecycle rule looks at tagged images, untagged images or all images (`tagStatus`).
public enum LifecycleTagStatus: String, Sendable, Equatable, CaseIterable {
    case tagged
    case untagged
    case any
}

/// Which images a lifecycle rule looks at and how it marks some of them (`selection`).
/// A rule looks only at images of its `storageClass`; `tagged` rules also need `tagFilter`.
/// Source: "Lifecycle policy properties in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
public struct LifecycleSelection: Sendable, Equatable {
    /// Tagged, untagged or any images.
    public let tagStatus: LifecycleTagStatus
    /// The prefixes or patterns a tagged image must carry; nil for untagged and any rules.
    public let tagFilter: LifecycleTagFilter?
    /// The storage class of the images looked at.
    public let storageClass: LifecycleStorageClass
    /// How the looked-at images are marked.
    public let count: LifecycleCount

    /// A selection; `LifecyclePolicy(json:)` checks the combinations ECR refuses.
    init(tagStatus: LifecycleTagStatus, tagFilter: LifecycleTagFilter?,
                storageClass: LifecycleStorageClass, count: LifecycleCount) {
        self.tagStatus = tagStatus
        self.tagFilter = tagFilter
        self.storageClass = storageClass
        self.count = count
    }

    /// Whether the rule looks at `image`: its storage class, and its tags as `tagStatus` asks.
    public func includes(_ image: LifecycleImage) -> Bool {
        guard image.storageClass == storageClass else { return false }
        switch tagStatus {
        case .any: return true
        case .untagged: return image.tags.isEmpty
        case .tagged: return !image.tags.isEmpty && (tagFilter?.matches(tags: image.tags) ?? false)
        }
    }
}
