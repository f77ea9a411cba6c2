/// Layer shapes of the `ecr` and `ecr-public` models.

public struct ECRLayerRequest: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String?
    public var uploadId: String?
    public var layerDigests: [String]?
    public var layerDigest: String?
}

public struct ECRLayer: Encodable, Sendable {
    public var layerDigest: String
    public var layerAvailability: String
    public var layerSize: Int64?
    public var mediaType: String?

    public init(layerDigest: String, layerAvailability: String, layerSize: Int64?, mediaType: String?) {
        self.layerDigest = layerDigest
        self.layerAvailability = layerAvailability
        self.layerSize = layerSize
        self.mediaType = mediaType
    }
}

public struct ECRLayerFailure: Encodable, Sendable {
    public var layerDigest: String
    public var failureCode: String
    public var failureReason: String

    public init(layerDigest: String, failureCode: String, failureReason: String) {
        self.layerDigest = layerDigest
        self.failureCode = failureCode
        self.failureReason = failureReason
    }
}
