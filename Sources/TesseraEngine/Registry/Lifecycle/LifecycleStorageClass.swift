import Foundation

/// The storage class an image lives in: `standard` (pullable) or `archive` (kept, not pullable).
/// A rule's `selection.storageClass` picks the class it looks at (`standard` when omitted) and a
/// transition's `targetStorageClass` can only be `archive`.
/// Source: "Lifecycle policy properties in Amazon ECR", section "Storage class",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
public enum LifecycleStorageClass: String, Sendable, Equatable, CaseIterable {
    case standard
    case archive

    /// The class as the ECR API spells it (`LifecyclePolicyStorageClass`: `STANDARD`, `ARCHIVE`).
    public var apiValue: String {
        rawValue.uppercased()
    }
}
