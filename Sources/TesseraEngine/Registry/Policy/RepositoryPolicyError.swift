import Foundation

/// Why ECR refuses a repository policy text. SetRepositoryPolicy answers every such policy with
/// `InvalidParameterException` and the one fixed `message`; `reason` says what is wrong.
public struct RepositoryPolicyError: Error, Equatable, Sendable {
    /// The exception message ECR gives for any refused repository policy.
    public static let ecrMessage =
        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'"

    /// The message as ECR words it (always `ecrMessage`).
    public let message: String
    /// What is wrong, in plain words, for logs and tests; ECR does not say.
    public let reason: String

    /// An error explained by `reason`.
    init(_ reason: String) {
        self.message = Self.ecrMessage
        self.reason = reason
    }
}
