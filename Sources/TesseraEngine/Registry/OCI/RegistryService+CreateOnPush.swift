import Foundation
import TesseraStorage

/// A repository creation template as CreateRepositoryCreationTemplate keeps it (the members this server applies).
struct RepositoryCreationTemplate: Decodable {
    struct Encryption: Decodable {
        var encryptionType: String?
        var kmsKey: String?
    }

    struct Tag: Decodable {
        var Key: String
        var Value: String
    }

    var prefix: String
    var appliedFor: [String]?
    var imageTagMutability: String?
    var imageTagMutabilityExclusionFilters: [TagMutability.ExclusionFilter]?
    var encryptionConfiguration: Encryption?
    var resourceTags: [Tag]?
    var repositoryPolicy: String?
    var lifecyclePolicy: String?

    /// Whether the template covers `name`: `ROOT` covers every name, another prefix the names under it — a
    /// prefix ends in an implied `/` (the model's `Prefix`), so `prod` covers `prod/svc`, not `production/svc`.
    func covers(_ name: String) -> Bool {
        prefix == "ROOT" || name.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
    }
}

extension RegistryService {
    /// Creates the repository a push names when it does not exist and a repository creation template applied
    /// for `CREATE_ON_PUSH` covers its name (the longest prefix wins; `ROOT` is the last resort), with the
    /// template's settings, tags, repository policy and lifecycle policy — as ECR does for `docker push`
    /// ("Repository creation templates", Amazon ECR User Guide). Returns nil when no template applies.
    func createOnPush(accountID: String, name: String) async throws -> RepositoryRecord? {
        let caller = RegistryCaller(accountID: accountID, region: Self.ociRegion)
        let documents = try await registryDocuments(caller, .private, prefix: "template:")
        let templates = documents.compactMap { try? JSONDecoder().decode(RepositoryCreationTemplate.self, from: Data($0.json.utf8)) }
            .filter { ($0.appliedFor ?? []).contains("CREATE_ON_PUSH") && $0.covers(name) }
        guard let template = templates.max(by: { ($0.prefix == "ROOT" ? -1 : $0.prefix.count) < ($1.prefix == "ROOT" ? -1 : $1.prefix.count) }) else {
            return nil
        }
        let settings = NewRepositorySettings(
            imageTagMutability: template.imageTagMutability, exclusionFilters: template.imageTagMutabilityExclusionFilters,
            encryptionType: template.encryptionConfiguration?.encryptionType,
            kmsKey: template.encryptionConfiguration?.kmsKey.flatMap { $0.isEmpty ? nil : $0 },
            tags: (template.resourceTags ?? []).map { RepositoryTag(key: $0.Key, value: $0.Value) })
        let record: RepositoryRecord
        do {
            record = try await createRepository(caller, registryID: nil, .private, name: name, settings: settings)
        } catch RegistryError.repositoryAlreadyExists {
            // Another push created it meanwhile.
            guard let existing = try await registryStorage({ try await metadata.repository(accountID: accountID, registry: .private, name: name) }) else {
                throw RegistryError.repositoryNotFound(registryID: accountID, name: name)
            }
            return existing
        }
        if let policy = template.repositoryPolicy, !policy.isEmpty {
            _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .policy, json: policy) }
        }
        if let lifecycle = template.lifecyclePolicy, !lifecycle.isEmpty {
            _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .lifecyclePolicy, json: lifecycle) }
        }
        return record
    }
}
