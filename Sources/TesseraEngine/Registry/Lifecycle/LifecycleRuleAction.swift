import Foundation

/// What a lifecycle rule does to the images it marks: `expire` deletes them, `transition` moves them
/// to the archive storage class (`"targetStorageClass": "archive"`, the only target ECR supports).
/// Source: "Lifecycle policy properties in Amazon ECR", section "Action",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
public enum LifecycleRuleAction: Sendable, Equatable {
    case expire
    case transition(to: LifecycleStorageClass)

    /// The action type as GetLifecyclePolicyPreview reports it (`ImageActionType`).
    public var apiType: String {
        switch self {
        case .expire: "EXPIRE"
        case .transition: "TRANSITION"
        }
    }

    /// The target class as GetLifecyclePolicyPreview reports it; present only for a transition.
    public var apiTargetStorageClass: String? {
        switch self {
        case .expire: nil
        case .transition(let target): target.apiValue
        }
    }
}
