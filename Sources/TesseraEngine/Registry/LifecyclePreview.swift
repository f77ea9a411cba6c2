import Foundation

/// A lifecycle policy preview as it is kept between StartLifecyclePolicyPreview and GetLifecyclePolicyPreview.
public struct LifecyclePreview: Codable, Sendable, Equatable {
    public struct Result: Codable, Sendable, Equatable {
        public var digest: String
        public var tags: [String]
        public var pushedAt: Double
        public var storageClass: String
        public var rulePriority: Int
        public var actionType: String
        public var targetStorageClass: String?
    }

    public var policyText: String
    /// `COMPLETE` (previews are evaluated at once here) or `FAILED`.
    public var status: String
    public var results: [Result]

    init(policyText: String, actions: [LifecycleAction]) {
        self.policyText = policyText
        self.status = "COMPLETE"
        self.results = actions.map {
            Result(digest: $0.digest, tags: $0.tags, pushedAt: $0.pushedAt.timeIntervalSince1970, storageClass: $0.storageClass.apiValue,
                   rulePriority: $0.rulePriority, actionType: $0.actionType, targetStorageClass: $0.targetStorageClass)
        }
    }
}
