/// Shapes of the per-repository settings calls (policies, lifecycle, tags, scans) of the `ecr` and
/// `ecr-public` models.

public struct ECRSettingsRequest: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String?
    public var policyText: String?
    public var force: Bool?
    public var lifecyclePolicyText: String?
    public var resourceArn: String?
    public var tags: [ECRTag]?
    public var tagKeys: [String]?
    public var imageId: ECRImageIdentifier?
    public var imageIds: [ECRImageIdentifier]?
    public var maxResults: Int?
    public var nextToken: String?
    public var catalogData: ECRCatalogDataInput?
}

public struct ECRPreviewAction: Encodable, Sendable {
    public var type: String
    public var targetStorageClass: String?
    public init(type: String, targetStorageClass: String?) {
        self.type = type
        self.targetStorageClass = targetStorageClass
    }
}

public struct ECRPreviewResult: Encodable, Sendable {
    public var imageTags: [String]
    public var imageDigest: String
    public var imagePushedAt: Double
    public var action: ECRPreviewAction
    public var appliedRulePriority: Int
    public var storageClass: String
    public init(imageTags: [String], imageDigest: String, imagePushedAt: Double, action: ECRPreviewAction, appliedRulePriority: Int,
                storageClass: String) {
        self.imageTags = imageTags
        self.imageDigest = imageDigest
        self.imagePushedAt = imagePushedAt
        self.action = action
        self.appliedRulePriority = appliedRulePriority
        self.storageClass = storageClass
    }
}
