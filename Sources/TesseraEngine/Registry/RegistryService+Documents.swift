import Foundation
import TesseraStorage

/// Registry-wide documents kept and returned as sent: the things that need other parts of AWS here
/// (replication, pull-through cache, signing, registry scanning), the registry policy, account settings and
/// ECR Public's registry catalog data. Each document has a name in its registry; names with a `kind:` prefix
/// group documents of one kind (templates, pull-through-cache rules, …).
extension RegistryService {
    /// A registry document of the caller's account.
    public func registryDocument(_ caller: RegistryCaller, _ registry: RegistryKind, name: String) async throws -> String? {
        try await registryStorage { try await metadata.registrySetting(accountID: caller.accountID, registry: registry, name: name) }
    }

    /// Sets (or with nil removes) a registry document; returns the one it replaced.
    @discardableResult
    public func setRegistryDocument(_ caller: RegistryCaller, _ registry: RegistryKind, name: String, json: String?) async throws -> String? {
        try await registryStorage { try await metadata.setRegistrySetting(accountID: caller.accountID, registry: registry, name: name, json: json) }
    }

    /// Every registry document whose name begins with `prefix`.
    public func registryDocuments(_ caller: RegistryCaller, _ registry: RegistryKind, prefix: String) async throws -> [(name: String, json: String)] {
        try await registryStorage { try await metadata.registrySettings(accountID: caller.accountID, registry: registry, prefix: prefix) }
    }

    /// PutRepositoryCatalogData (ECR Public): keeps the catalog data document as sent.
    public func putRepositoryCatalogData(_ caller: RegistryCaller, registryID: String?, name: String, json: String) async throws {
        let record = try await ownRepository(caller, registryID: registryID, .public, name, action: "PutRepositoryCatalogData")
        _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .catalogData, json: json) }
    }

    /// GetRepositoryCatalogData (ECR Public): the catalog data document, if any was set.
    public func repositoryCatalogData(_ caller: RegistryCaller, registryID: String?, name: String) async throws -> String? {
        let record = try await repository(caller, registryID: registryID, .public, name, action: "GetRepositoryCatalogData")
        return try await registryStorage { try await metadata.repositorySetting(repositoryID: record.id, kind: .catalogData) }
    }

    /// Checks and keeps a registry policy (the same statement rules as a repository policy).
    public func putRegistryPolicy(_ caller: RegistryCaller, policy: String) async throws {
        do {
            _ = try RepositoryPolicy(registryPolicyJSON: policy)
        } catch {
            throw RegistryError.invalidDocument(kind: .registryPolicy, reason: "Invalid registry policy provided: \(error.reason)")
        }
        try await setRegistryDocument(caller, .private, name: "registry-policy", json: policy)
    }
}
