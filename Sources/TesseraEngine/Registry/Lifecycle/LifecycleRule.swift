import Foundation

/// One rule of an ECR lifecycle policy: its unique `rulePriority` (lower numbers are applied
/// first), an optional `description`, the images it looks at and what it does to those it marks.
/// Source: "Lifecycle policy properties in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
public struct LifecycleRule: Sendable, Equatable {
    /// The order of application, lowest first; unique within a policy, at least 1.
    public let rulePriority: Int
    /// What the rule is for, when the policy says.
    public let description: String?
    /// The images the rule looks at and how it marks them.
    public let selection: LifecycleSelection
    /// What happens to the marked images.
    public let action: LifecycleRuleAction

    /// A rule; `LifecyclePolicy(json:)` checks the combinations ECR refuses.
    init(rulePriority: Int, description: String?, selection: LifecycleSelection, action: LifecycleRuleAction) {
        self.rulePriority = rulePriority
        self.description = description
        self.selection = selection
        self.action = action
    }
}
