/// Repository shapes of the `ecr` and `ecr-public` models (member names as the models spell them).
/// Timestamps are epoch seconds.

public struct ECRTag: Codable, Sendable, Equatable {
    public var Key: String?
    public var Value: String?
    public init(Key: String?, Value: String?) {
        self.Key = Key
        self.Value = Value
    }
}

public struct ECRExclusionFilter: Codable, Sendable, Equatable {
    public var filterType: String?
    public var filter: String?
    public init(filterType: String?, filter: String?) {
        self.filterType = filterType
        self.filter = filter
    }
}

public struct ECRScanningConfiguration: Codable, Sendable, Equatable {
    public var scanOnPush: Bool?
    public init(scanOnPush: Bool?) { self.scanOnPush = scanOnPush }
}

public struct ECREncryptionConfiguration: Codable, Sendable, Equatable {
    public var encryptionType: String?
    public var kmsKey: String?
    public init(encryptionType: String?, kmsKey: String?) {
        self.encryptionType = encryptionType
        self.kmsKey = kmsKey
    }
}

/// ECR Public's repository catalog data as the API returns it: the logo becomes a `logoUrl`; this server has no
/// public gallery, so the URL is a `data:` URL holding the image sent.
public struct ECRCatalogData: Encodable, Sendable, Equatable {
    public var description: String?
    public var architectures: [String]?
    public var operatingSystems: [String]?
    public var logoUrl: String?
    public var aboutText: String?
    public var usageText: String?
    public var marketplaceCertified: Bool

    public init(_ input: ECRCatalogDataInput) {
        description = input.description
        architectures = input.architectures
        operatingSystems = input.operatingSystems
        logoUrl = input.logoImageBlob.map { "data:application/octet-stream;base64,\($0)" }
        aboutText = input.aboutText
        usageText = input.usageText
        marketplaceCertified = false
    }
}

/// ECR Public's repository catalog data as CreateRepository and PutRepositoryCatalogData take it.
public struct ECRCatalogDataInput: Codable, Sendable, Equatable {
    public var description: String?
    public var architectures: [String]?
    public var operatingSystems: [String]?
    public var logoImageBlob: String?
    public var aboutText: String?
    public var usageText: String?

    public init() {}
}

public struct ECRCreateRepositoryInput: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String?
    public var tags: [ECRTag]?
    public var imageTagMutability: String?
    public var imageTagMutabilityExclusionFilters: [ECRExclusionFilter]?
    public var imageScanningConfiguration: ECRScanningConfiguration?
    public var encryptionConfiguration: ECREncryptionConfiguration?
    public var catalogData: ECRCatalogDataInput?
}

public struct ECRRepository: Encodable, Sendable {
    public var repositoryArn: String
    public var registryId: String
    public var repositoryName: String
    public var repositoryUri: String
    public var createdAt: Double
    public var imageTagMutability: String?
    public var imageTagMutabilityExclusionFilters: [ECRExclusionFilter]?
    public var imageScanningConfiguration: ECRScanningConfiguration?
    public var encryptionConfiguration: ECREncryptionConfiguration?

    public init(repositoryArn: String, registryId: String, repositoryName: String, repositoryUri: String, createdAt: Double,
                imageTagMutability: String?, imageTagMutabilityExclusionFilters: [ECRExclusionFilter]?,
                imageScanningConfiguration: ECRScanningConfiguration?, encryptionConfiguration: ECREncryptionConfiguration?) {
        self.repositoryArn = repositoryArn
        self.registryId = registryId
        self.repositoryName = repositoryName
        self.repositoryUri = repositoryUri
        self.createdAt = createdAt
        self.imageTagMutability = imageTagMutability
        self.imageTagMutabilityExclusionFilters = imageTagMutabilityExclusionFilters
        self.imageScanningConfiguration = imageScanningConfiguration
        self.encryptionConfiguration = encryptionConfiguration
    }
}

/// The members many repository-scoped calls share.
public struct ECRRepositoryRequest: Decodable, Sendable {
    public var registryId: String?
    public var repositoryName: String?
    public var force: Bool?
    public var repositoryNames: [String]?
    public var maxResults: Int?
    public var nextToken: String?
    public var imageTagMutability: String?
    public var imageTagMutabilityExclusionFilters: [ECRExclusionFilter]?
    public var imageScanningConfiguration: ECRScanningConfiguration?
    public var policyText: String?
    public var lifecyclePolicyText: String?
    public var catalogData: ECRCatalogDataInput?
}
