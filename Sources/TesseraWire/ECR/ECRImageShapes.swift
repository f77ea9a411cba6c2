/// Image shapes of the `ecr` and `ecr-public` models.

public struct ECRImageIdentifier: Codable, Sendable, Equatable {
    public var imageDigest: String?
    public var imageTag: String?
    public init(imageDigest: String?, imageTag: String?) {
        self.imageDigest = imageDigest
        self.imageTag = imageTag
    }
}

public struct ECRImageFilter: Decodable, Sendable {
    public var tagStatus: String?
    public var imageStatus: String?
}

public struct ECRImageRequest: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String?
    public var imageManifest: String?
    public var imageManifestMediaType: String?
    public var imageTag: String?
    public var imageDigest: String?
    public var imageIds: [ECRImageIdentifier]?
    public var imageId: ECRImageIdentifier?
    public var acceptedMediaTypes: [String]?
    public var maxResults: Int?
    public var nextToken: String?
    public var filter: ECRImageFilter?
    public var targetStorageClass: String?
    public var artifactTypes: [String]?
}

public struct ECRImage: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var imageId: ECRImageIdentifier
    public var imageManifest: String
    public var imageManifestMediaType: String?

    public init(registryId: String, repositoryName: String, imageId: ECRImageIdentifier, imageManifest: String, imageManifestMediaType: String?) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.imageId = imageId
        self.imageManifest = imageManifest
        self.imageManifestMediaType = imageManifestMediaType
    }
}

public struct ECRImageFailure: Encodable, Sendable {
    public var imageId: ECRImageIdentifier
    public var failureCode: String
    public var failureReason: String

    public init(imageId: ECRImageIdentifier, failureCode: String, failureReason: String) {
        self.imageId = imageId
        self.failureCode = failureCode
        self.failureReason = failureReason
    }
}

public struct ECRImageScanStatus: Encodable, Sendable {
    public var status: String
    public var description: String?
    public init(status: String, description: String?) {
        self.status = status
        self.description = description
    }
}

public struct ECRImageDetail: Encodable, Sendable {
    public var registryId: String
    public var repositoryName: String
    public var imageDigest: String
    public var imageTags: [String]?
    public var imageSizeInBytes: Int64
    public var imagePushedAt: Double
    public var imageManifestMediaType: String?
    public var artifactMediaType: String?
    public var lastRecordedPullTime: Double?
    public var subjectManifestDigest: String?
    public var imageStatus: String?
    public var imageScanStatus: ECRImageScanStatus?
    public var lastArchivedAt: Double?
    public var lastActivatedAt: Double?

    public init(registryId: String, repositoryName: String, imageDigest: String, imageTags: [String]?, imageSizeInBytes: Int64,
                imagePushedAt: Double, imageManifestMediaType: String?, artifactMediaType: String?, lastRecordedPullTime: Double?,
                subjectManifestDigest: String?, imageStatus: String?, imageScanStatus: ECRImageScanStatus?) {
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.imageDigest = imageDigest
        self.imageTags = imageTags
        self.imageSizeInBytes = imageSizeInBytes
        self.imagePushedAt = imagePushedAt
        self.imageManifestMediaType = imageManifestMediaType
        self.artifactMediaType = artifactMediaType
        self.lastRecordedPullTime = lastRecordedPullTime
        self.subjectManifestDigest = subjectManifestDigest
        self.imageStatus = imageStatus
        self.imageScanStatus = imageScanStatus
    }
}
