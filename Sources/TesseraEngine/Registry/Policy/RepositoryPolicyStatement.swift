import Foundation

/// One statement of a repository policy: whether it allows or denies, whom, which actions, and
/// whether it carries a `Condition`.
/// Source: "IAM JSON policy element reference",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
public struct RepositoryPolicyStatement: Sendable, Equatable {
    /// `Allow` or `Deny`.
    public enum Effect: String, Sendable, Equatable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// The statement's `Sid`, if any.
    public let sid: String?
    /// Whether the statement allows or denies.
    public let effect: Effect
    /// Whom the statement speaks of.
    public let principals: [RepositoryPolicyPrincipal]
    /// Which actions the statement speaks of.
    public let actions: RepositoryPolicyActions
    /// Whether the statement has a `Condition`. Conditions are not evaluated: a conditional Allow
    /// never grants and a conditional Deny always denies (see `RepositoryPolicy`).
    public let hasCondition: Bool

    /// Whether the statement speaks of a caller from `account` performing `action`, leaving its
    /// condition aside.
    public func covers(account: String, action: String) -> Bool {
        principals.contains { $0.includes(account: account) } && actions.covers(action)
    }
}
