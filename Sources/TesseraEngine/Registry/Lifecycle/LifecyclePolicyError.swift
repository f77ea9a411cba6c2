import Foundation

/// Why ECR refuses a lifecycle policy text. PutLifecyclePolicy and StartLifecyclePolicyPreview
/// answer such a policy with `InvalidParameterException` carrying `message`.
public struct LifecyclePolicyError: Error, Equatable, Sendable {
    /// The exception message as ECR words it:
    /// `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: <detail>'`.
    public let message: String
    /// The part of `message` after "Lifecycle policy validation failure: ", as ECR words it where
    /// its wording is known (JSON-schema style for shape errors, sentences for rule conflicts).
    public let detail: String
    /// What is wrong, in plain words; the same as `detail` where ECR's own wording already says it.
    public let reason: String

    /// An error whose message carries `detail`, explained by `reason` when `detail` is terse.
    init(detail: String, reason: String? = nil) {
        self.detail = detail
        self.reason = reason ?? detail
        self.message = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
            + "'Lifecycle policy validation failure: \(detail)'"
    }
}
