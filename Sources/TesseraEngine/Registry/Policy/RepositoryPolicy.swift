import Foundation

/// A repository policy (SetRepositoryPolicy's `policyText`): an IAM resource policy that decides
/// which other accounts may call which registry actions on one repository.
/// Sources: "Private repository policies in Amazon ECR" and "Private repository policy examples in
/// Amazon ECR", https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html,
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html; the
/// element rules follow "IAM JSON policy element reference" and "Policy evaluation logic",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
///
/// Decisions, all on the side of refusing access:
/// - An explicit Deny that covers the call wins over any Allow; without an Allow the call is denied.
/// - `Condition` is not evaluated. A statement with a Condition never grants; a Deny with a
///   Condition denies as if its condition held (the documented IP-restriction example thus denies
///   every cross-account caller).
/// - `NotPrincipal` is refused as unsupported: its meaning depends on telling users and roles from
///   their account, which a registry that authenticates accounts cannot do, and AWS advises against
///   it. `NotAction` is supported: it depends on the action alone.
/// - `Resource` may only be `"*"` (the repository the policy is attached to); `NotResource` is
///   refused.
/// - Principals are checked for form only; ECR also refuses principals that do not exist, which a
///   stand-alone registry cannot know.
public struct RepositoryPolicy: Sendable, Equatable {
    /// The statements, in the order written.
    public let statements: [RepositoryPolicyStatement]

    /// Parses and checks a policy text; the error carries ECR's message and says what is wrong.
    public init(json: String) throws(RepositoryPolicyError) {
        statements = try RepositoryPolicyParser.statements(in: json)
    }

    /// A registry policy (PutRegistryPolicy): the same statements, whose `Resource` may also name repositories
    /// of the registry by ARN (`arn:aws:ecr:REGION:ACCOUNT:repository/NAME`, wildcards allowed).
    public init(registryPolicyJSON json: String) throws(RepositoryPolicyError) {
        statements = try RepositoryPolicyParser.statements(in: json, registryScope: true)
    }

    /// Whether `callerAccount` (not the owner) may perform `action` (e.g. "ecr:BatchGetImage").
    public func allows(account callerAccount: String, action: String) -> Bool {
        let covering = statements.filter { $0.covers(account: callerAccount, action: action) }
        guard !covering.contains(where: { $0.effect == .deny }) else { return false }
        return covering.contains { $0.effect == .allow && !$0.hasCondition }
    }
}
