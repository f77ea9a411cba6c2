import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability, PutImageScanningConfiguration.
    func repositoryOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch operation {
        case "CreateRepository":
            let input = try await call.input(ECRCreateRepositoryInput.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let tags = try (input.tags ?? []).map { RepositoryTag(key: try call.required($0.Key, "tags.member.Key"), value: try call.required($0.Value, "tags.member.Value")) }
            if let encryption = input.encryptionConfiguration {
                _ = try call.required(encryption.encryptionType, "encryptionConfiguration.encryptionType")
            }
            let settings = NewRepositorySettings(
                imageTagMutability: input.imageTagMutability,
                exclusionFilters: try Self.filters(input.imageTagMutabilityExclusionFilters, call),
                scanOnPush: input.imageScanningConfiguration?.scanOnPush,
                encryptionType: input.encryptionConfiguration?.encryptionType,
                kmsKey: input.encryptionConfiguration?.kmsKey, tags: tags)
            let record = try await service.createRepository(call.caller, registryID: input.registryId, call.registry, name: name, settings: settings)
            if call.registry == .public, let catalog = input.catalogData {
                try await service.putRepositoryCatalogData(call.caller, registryID: nil, name: name, json: try Self.encode(catalog))
            }
            return try ECRResponse.json(RepositoryOutput(repository: shape(record, call), catalogData: input.catalogData.map(ECRCatalogData.init)))
        case "DescribeRepositories":
            let input = try await call.input(ECRRepositoryRequest.self)
            let page = try await service.describeRepositories(call.caller, registryID: input.registryId, call.registry,
                                                              names: input.repositoryNames, maxResults: input.maxResults, nextToken: input.nextToken)
            return try ECRResponse.json(RepositoriesOutput(repositories: page.repositories.map { shape($0, call) }, nextToken: page.nextToken))
        case "DeleteRepository":
            let input = try await call.input(ECRRepositoryRequest.self)
            let record = try await service.deleteRepository(call.caller, registryID: input.registryId, call.registry,
                                                            name: try call.required(input.repositoryName, "repositoryName"), force: input.force ?? false)
            return try ECRResponse.json(RepositoryOutput(repository: shape(record, call), catalogData: nil))
        case "PutImageTagMutability":
            let input = try await call.input(ECRRepositoryRequest.self)
            let record = try await service.putImageTagMutability(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"),
                setting: try call.required(input.imageTagMutability, "imageTagMutability"),
                filters: try Self.filters(input.imageTagMutabilityExclusionFilters, call))
            return try ECRResponse.json(MutabilityOutput(registryId: record.accountID, repositoryName: record.name,
                                                         imageTagMutability: record.imageTagMutability,
                                                         imageTagMutabilityExclusionFilters: Self.filterShapes(record)))
        case "PutImageScanningConfiguration":
            let input = try await call.input(ECRRepositoryRequest.self)
            let configuration = try call.required(input.imageScanningConfiguration, "imageScanningConfiguration")
            let record = try await service.putImageScanningConfiguration(
                call.caller, registryID: input.registryId, call.registry, name: try call.required(input.repositoryName, "repositoryName"),
                scanOnPush: configuration.scanOnPush ?? false)
            return try ECRResponse.json(ScanningOutput(registryId: record.accountID, repositoryName: record.name,
                                                       imageScanningConfiguration: ECRScanningConfiguration(scanOnPush: record.scanOnPush)))
        default:
            return nil
        }
    }

    static func filters(_ given: [ECRExclusionFilter]?, _ call: ECRCall) throws -> [TagMutability.ExclusionFilter]? {
        try given?.map { TagMutability.ExclusionFilter(filterType: try call.required($0.filterType, "imageTagMutabilityExclusionFilters.member.filterType"),
                                                        filter: try call.required($0.filter, "imageTagMutabilityExclusionFilters.member.filter")) }
    }

    static func filterShapes(_ record: RepositoryRecord) -> [ECRExclusionFilter]? {
        TagMutability.filters(fromJSON: record.mutabilityExclusionFiltersJSON)?.map { ECRExclusionFilter(filterType: $0.filterType, filter: $0.filter) }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A repository as the registry's API shows it; ECR Public's has no settings members.
    func shape(_ record: RepositoryRecord, _ call: ECRCall) -> ECRRepository {
        let isPrivate = record.registry == .private
        return ECRRepository(
            repositoryArn: RegistryService.repositoryARN(region: call.caller.region, accountID: record.accountID, registry: record.registry, name: record.name),
            registryId: record.accountID, repositoryName: record.name,
            repositoryUri: RegistryService.repositoryURI(region: call.caller.region, accountID: record.accountID, registry: record.registry, name: record.name),
            createdAt: record.createdAt.timeIntervalSince1970,
            imageTagMutability: isPrivate ? record.imageTagMutability : nil,
            imageTagMutabilityExclusionFilters: isPrivate ? Self.filterShapes(record) : nil,
            imageScanningConfiguration: isPrivate ? ECRScanningConfiguration(scanOnPush: record.scanOnPush) : nil,
            encryptionConfiguration: isPrivate ? ECREncryptionConfiguration(encryptionType: record.encryptionType, kmsKey: record.kmsKey) : nil)
    }
}

struct RepositoryOutput: Encodable {
    var repository: ECRRepository
    var catalogData: ECRCatalogData?
}

struct RepositoriesOutput: Encodable {
    var repositories: [ECRRepository]
    var nextToken: String?
}

struct MutabilityOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var imageTagMutability: String
    var imageTagMutabilityExclusionFilters: [ECRExclusionFilter]?
}

struct ScanningOutput: Encodable {
    var registryId: String
    var repositoryName: String
    var imageScanningConfiguration: ECRScanningConfiguration
}
