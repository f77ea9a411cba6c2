import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// Registry-wide calls: authorization tokens, registries, catalog data, registry policy.
    func registryOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        switch (operation, call.registry) {
        case ("GetAuthorizationToken", .private):
            let (password, expiry) = service.authorizationToken(call.caller)
            let token = Data("AWS:\(password)".utf8).base64EncodedString()
            return try ECRResponse.json(AuthorizationOutput(authorizationData: [
                AuthorizationData(authorizationToken: token, expiresAt: expiry.timeIntervalSince1970, proxyEndpoint: call.baseURL)]))
        case ("GetAuthorizationToken", .public):
            let (password, expiry) = service.authorizationToken(call.caller)
            let token = Data("AWS:\(password)".utf8).base64EncodedString()
            return try ECRResponse.json(PublicAuthorizationOutput(authorizationData: PublicAuthorizationData(
                authorizationToken: token, expiresAt: expiry.timeIntervalSince1970)))
        case ("DescribeRegistries", .public):
            let alias = RegistryService.defaultRegistryAlias(accountID: call.caller.accountID)
            return try ECRResponse.json(RegistriesOutput(registries: [PublicRegistry(
                registryId: call.caller.accountID, registryArn: "arn:aws:ecr-public::\(call.caller.accountID):registry/\(call.caller.accountID)",
                registryUri: "public.ecr.aws/\(alias)", verified: false,
                aliases: [RegistryAlias(name: alias, status: "ACTIVE", primaryRegistryAlias: true, defaultRegistryAlias: true)])]))
        case ("GetRegistryCatalogData", .public):
            let json = try await service.registryDocument(call.caller, .public, name: "catalog-data")
            return try ECRResponse.json(RegistryCatalogOutput(registryCatalogData: Self.decodeCatalog(json) ?? RegistryCatalogData(displayName: nil)))
        case ("PutRegistryCatalogData", .public):
            let input = try await call.input(RegistryCatalogData.self)
            if let name = input.displayName, name.count > 100 {
                throw ECRWireError.invalidParameter(member: "displayName", constraint: "must have length less than or equal to 100")
            }
            try await service.setRegistryDocument(call.caller, .public, name: "catalog-data", json: try Self.encode(input))
            return try ECRResponse.json(RegistryCatalogOutput(registryCatalogData: input))
        case ("PutRepositoryCatalogData", .public):
            let input = try await call.input(ECRSettingsRequest.self)
            let name = try call.required(input.repositoryName, "repositoryName")
            let catalog = try call.required(input.catalogData, "catalogData")
            try await service.putRepositoryCatalogData(call.caller, registryID: input.registryId, name: name, json: try Self.encode(catalog))
            return try ECRResponse.json(RepositoryCatalogOutput(catalogData: ECRCatalogData(catalog)))
        case ("GetRepositoryCatalogData", .public):
            let input = try await call.input(ECRSettingsRequest.self)
            let json = try await service.repositoryCatalogData(call.caller, registryID: input.registryId,
                                                               name: try call.required(input.repositoryName, "repositoryName"))
            let catalog = json.flatMap { try? JSONDecoder().decode(ECRCatalogDataInput.self, from: Data($0.utf8)) } ?? ECRCatalogDataInput()
            return try ECRResponse.json(RepositoryCatalogOutput(catalogData: ECRCatalogData(catalog)))
        default:
            return try await registrySettingsOperation(operation, call)
        }
    }

    static func decodeCatalog(_ json: String?) -> RegistryCatalogData? {
        json.flatMap { try? JSONDecoder().decode(RegistryCatalogData.self, from: Data($0.utf8)) }
    }
}

struct AuthorizationData: Encodable {
    var authorizationToken: String
    var expiresAt: Double
    var proxyEndpoint: String
}

struct AuthorizationOutput: Encodable {
    var authorizationData: [AuthorizationData]
}

struct PublicAuthorizationData: Encodable {
    var authorizationToken: String
    var expiresAt: Double
}

struct PublicAuthorizationOutput: Encodable {
    var authorizationData: PublicAuthorizationData
}

struct RegistryAlias: Encodable {
    var name: String
    var status: String
    var primaryRegistryAlias: Bool
    var defaultRegistryAlias: Bool
}

struct PublicRegistry: Encodable {
    var registryId: String
    var registryArn: String
    var registryUri: String
    var verified: Bool
    var aliases: [RegistryAlias]
}

struct RegistriesOutput: Encodable {
    var registries: [PublicRegistry]
}

struct RegistryCatalogData: Codable {
    var displayName: String?
}

struct RegistryCatalogOutput: Encodable {
    var registryCatalogData: RegistryCatalogData
}

struct RepositoryCatalogOutput: Encodable {
    var catalogData: ECRCatalogData
}
