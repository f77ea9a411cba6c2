import Foundation
import TesseraCore
import TesseraStorage

/// What CreateRepository may set; nil members take ECR's defaults.
public struct NewRepositorySettings: Sendable {
    public var imageTagMutability: String?
    public var exclusionFilters: [TagMutability.ExclusionFilter]?
    public var scanOnPush: Bool?
    public var encryptionType: String?
    public var kmsKey: String?
    public var tags: [RepositoryTag]

    public init(imageTagMutability: String? = nil, exclusionFilters: [TagMutability.ExclusionFilter]? = nil, scanOnPush: Bool? = nil,
                encryptionType: String? = nil, kmsKey: String? = nil, tags: [RepositoryTag] = []) {
        self.imageTagMutability = imageTagMutability
        self.exclusionFilters = exclusionFilters
        self.scanOnPush = scanOnPush
        self.encryptionType = encryptionType
        self.kmsKey = kmsKey
        self.tags = tags
    }
}

/// A page of repositories.
public struct RepositoryPage: Sendable {
    public var repositories: [RepositoryRecord]
    public var nextToken: String?
}

extension RegistryService {
    /// CreateRepository.
    public func createRepository(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                 settings: NewRepositorySettings) async throws -> RepositoryRecord {
        let owner = try await ownAccount(caller, registryID, registry, action: "CreateRepository", name: name)
        try RepositoryNameRules.check(name, registry: registry, limits: limits(registry))
        let mutability = try TagMutability(setting: settings.imageTagMutability ?? "MUTABLE", filters: settings.exclusionFilters)
        let encryption = settings.encryptionType ?? "AES256"
        guard ["AES256", "KMS", "KMS_DSSE"].contains(encryption) else {
            throw RegistryError.invalidParameter(member: "encryptionConfiguration.encryptionType", constraint: "must be one of AES256, KMS, KMS_DSSE")
        }
        if encryption == "AES256" && settings.kmsKey != nil {
            throw RegistryError.invalidParameter(member: "encryptionConfiguration.kmsKey", constraint: "a KMS key is only allowed with KMS encryption")
        }
        try RepositoryTagRules.check(settings.tags, limit: limits(registry).maximumTags)
        let record = RepositoryRecord(
            id: UUID().uuidString.lowercased(), accountID: owner, registry: registry, name: name, createdAt: now,
            imageTagMutability: mutability.setting, mutabilityExclusionFiltersJSON: mutability.filtersJSON,
            scanOnPush: settings.scanOnPush ?? false, encryptionType: encryption,
            kmsKey: encryption == "AES256" ? nil : (settings.kmsKey ?? "arn:aws:kms:\(caller.region):\(owner):alias/aws/ecr"))
        guard try await registryStorage({ try await metadata.createRepository(record, tags: settings.tags) }) else {
            throw RegistryError.repositoryAlreadyExists(registryID: owner, name: name)
        }
        return record
    }

    /// DescribeRepositories: the named repositories (every one must exist), or a page of all of them by name.
    public func describeRepositories(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, names: [String]?,
                                     maxResults: Int?, nextToken: String?) async throws -> RepositoryPage {
        if let names {
            guard maxResults == nil && nextToken == nil else {
                throw RegistryError.invalidRequest("Cannot specify both repositoryNames and maxResults or nextToken")
            }
            guard (1...100).contains(names.count) else {
                throw RegistryError.invalidParameter(member: "repositoryNames", constraint: "must have between 1 and 100 members")
            }
            var found: [RepositoryRecord] = []
            for name in names where !found.contains(where: { $0.name == name }) {
                found.append(try await repository(caller, registryID: registryID, registry, name, action: "DescribeRepositories"))
            }
            return RepositoryPage(repositories: found, nextToken: nil)
        }
        let owner = try await ownAccount(caller, registryID, registry, action: "DescribeRepositories", name: "*")
        let limit = try PageToken.limit(maxResults, default: 100)
        let from = try nextToken.map { try PageToken.decode($0) }
        let page = try await registryStorage { try await metadata.listRepositories(accountID: owner, registry: registry, fromName: from, limit: limit + 1) }
        return RepositoryPage(repositories: Array(page.prefix(limit)), nextToken: page.count > limit ? PageToken.encode(page[limit].name) : nil)
    }

    /// DeleteRepository; refuses one that holds images unless `force`.
    public func deleteRepository(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                 force: Bool) async throws -> RepositoryRecord {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "DeleteRepository")
        do {
            guard try await metadata.deleteRepository(id: record.id, force: force) else {
                throw RegistryError.repositoryNotEmpty(registryID: record.accountID, name: name)
            }
        } catch StorageError.notFound {
            throw RegistryError.repositoryNotFound(registryID: record.accountID, name: name)
        } catch let error as StorageError {
            throw RegistryError(error)
        }
        return record
    }

    /// PutImageTagMutability.
    public func putImageTagMutability(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                      setting: String, filters: [TagMutability.ExclusionFilter]?) async throws -> RepositoryRecord {
        var record = try await repository(caller, registryID: registryID, registry, name, action: "PutImageTagMutability")
        let mutability = try TagMutability(setting: setting, filters: filters)
        record.imageTagMutability = mutability.setting
        record.mutabilityExclusionFiltersJSON = mutability.filtersJSON
        try await registryStorage { try await metadata.updateRepository(record) }
        return record
    }

    /// PutImageScanningConfiguration.
    public func putImageScanningConfiguration(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                              scanOnPush: Bool) async throws -> RepositoryRecord {
        var record = try await repository(caller, registryID: registryID, registry, name, action: "PutImageScanningConfiguration")
        record.scanOnPush = scanOnPush
        try await registryStorage { try await metadata.updateRepository(record) }
        return record
    }

    /// The repository's tag mutability rule.
    func tagMutability(of record: RepositoryRecord) -> TagMutability {
        TagMutability(stored: record.imageTagMutability,
                      filters: TagMutability.filters(fromJSON: record.mutabilityExclusionFiltersJSON)?.map(\.filter) ?? [])
    }
}
