import Foundation

/// One thing a lifecycle policy does to one image, shaped like a GetLifecyclePolicyPreview result
/// (`LifecyclePolicyPreviewResult`: imageDigest, imageTags, imagePushedAt, storageClass,
/// appliedRulePriority, action.type, action.targetStorageClass).
public struct LifecycleAction: Sendable, Equatable {
    /// The image's manifest digest.
    public var digest: String
    /// The image's tags.
    public var tags: [String]
    /// When the image was pushed.
    public var pushedAt: Date
    /// The image's storage class now.
    public var storageClass: LifecycleStorageClass
    /// The priority of the rule that acts on the image.
    public var rulePriority: Int
    /// `EXPIRE` or `TRANSITION`, as the preview's `action.type` says.
    public var actionType: String
    /// `ARCHIVE` for a transition, nil for an expiry, as the preview's `action.targetStorageClass` says.
    public var targetStorageClass: String?

    /// An action as a preview result reports it.
    public init(digest: String, tags: [String], pushedAt: Date, storageClass: LifecycleStorageClass,
                rulePriority: Int, actionType: String, targetStorageClass: String?) {
        self.digest = digest
        self.tags = tags
        self.pushedAt = pushedAt
        self.storageClass = storageClass
        self.rulePriority = rulePriority
        self.actionType = actionType
        self.targetStorageClass = targetStorageClass
    }

    /// The action `rule` takes on `image`.
    init(image: LifecycleImage, rule: LifecycleRule) {
        digest = image.digest
        tags = image.tags
        pushedAt = image.pushedAt
        storageClass = image.storageClass
        rulePriority = rule.rulePriority
        actionType = rule.action.apiType
        targetStorageClass = rule.action.apiTargetStorageClass
    }
}
