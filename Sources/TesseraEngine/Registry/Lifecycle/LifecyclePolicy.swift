import Foundation

/// An ECR lifecycle policy: PutLifecyclePolicy's `lifecyclePolicyText`, parsed and checked as
/// Amazon ECR documents it ("Lifecycle policy properties in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html, and
/// "Automate the cleanup of images by using lifecycle policies in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html).
///
/// The text's length limits (100 to 30,720 characters, ECR's `LifecyclePolicyText` shape) are the
/// API layer's to check; this type checks the document.
public struct LifecyclePolicy: Sendable, Equatable {
    /// The rules, lowest `rulePriority` (applied first) first.
    public let rules: [LifecycleRule]

    /// Parses and checks a policy text; the error says what ECR would refuse.
    public init(json: String) throws(LifecyclePolicyError) {
        guard let document = PolicyJSON.parse(json)?.objectValue else { throw .unreadable }
        try self.init(rules: LifecyclePolicyParser.rules(in: document))
    }

    /// A policy of already-parsed `rules`, checked for the conflicts ECR refuses between rules.
    init(rules: [LifecycleRule]) throws(LifecyclePolicyError) {
        try LifecyclePolicyConsistency.check(rules)
        self.rules = rules.sorted { $0.rulePriority < $1.rulePriority }
    }
}
