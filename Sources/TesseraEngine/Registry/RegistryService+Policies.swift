import Foundation
import TesseraStorage

extension RegistryService {
    /// SetRepositoryPolicy: checks the policy (``RepositoryPolicy``) and keeps its text as sent.
    public func setRepositoryPolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                    policy: String) async throws -> RepositoryRecord {
        let record = try await ownRepository(caller, registryID: registryID, registry, name, action: "SetRepositoryPolicy")
        guard policy.utf8.count <= 10_240 else {
            throw RegistryError.invalidParameter(member: "policyText", constraint: "must have length less than or equal to 10240")
        }
        do {
            _ = try RepositoryPolicy(json: policy)
        } catch {
            throw RegistryError.invalidDocument(kind: .repositoryPolicy, reason: "Invalid repository policy provided: \(error.reason)")
        }
        _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .policy, json: policy) }
        return record
    }

    /// GetRepositoryPolicy.
    public func repositoryPolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String) async throws -> (RepositoryRecord, String) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "GetRepositoryPolicy")
        guard let policy = try await registryStorage({ try await metadata.repositorySetting(repositoryID: record.id, kind: .policy) }) else {
            throw RegistryError.settingNotFound(kind: .repositoryPolicy, registryID: record.accountID, repositoryName: name)
        }
        return (record, policy)
    }

    /// DeleteRepositoryPolicy: returns the policy it removed.
    public func deleteRepositoryPolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String) async throws -> (RepositoryRecord, String) {
        let record = try await ownRepository(caller, registryID: registryID, registry, name, action: "DeleteRepositoryPolicy")
        guard let previous = try await registryStorage({ try await metadata.setRepositorySetting(repositoryID: record.id, kind: .policy, json: nil) }) else {
            throw RegistryError.settingNotFound(kind: .repositoryPolicy, registryID: record.accountID, repositoryName: name)
        }
        return (record, previous)
    }

    /// PutLifecyclePolicy: checks the policy (``LifecyclePolicy``) and keeps its text as sent.
    public func putLifecyclePolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                   policy: String) async throws -> RepositoryRecord {
        let record = try await ownRepository(caller, registryID: registryID, registry, name, action: "PutLifecyclePolicy")
        _ = try Self.parseLifecyclePolicy(policy)
        _ = try await registryStorage { try await metadata.setRepositorySetting(repositoryID: record.id, kind: .lifecyclePolicy, json: policy) }
        return record
    }

    /// GetLifecyclePolicy: the policy, and when it was last applied.
    public func lifecyclePolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind,
                                name: String) async throws -> (RepositoryRecord, String, lastEvaluatedAt: Date?) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "GetLifecyclePolicy")
        guard let policy = try await registryStorage({ try await metadata.repositorySetting(repositoryID: record.id, kind: .lifecyclePolicy) }) else {
            throw RegistryError.settingNotFound(kind: .lifecyclePolicy, registryID: record.accountID, repositoryName: name)
        }
        let evaluated = try await registryStorage { try await metadata.repositorySetting(repositoryID: record.id, kind: .lifecycleEvaluatedAt) }
        return (record, policy, evaluated.flatMap(Double.init).map(Date.init(timeIntervalSince1970:)))
    }

    /// DeleteLifecyclePolicy: returns the policy it removed.
    public func deleteLifecyclePolicy(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String) async throws -> (RepositoryRecord, String) {
        let record = try await ownRepository(caller, registryID: registryID, registry, name, action: "DeleteLifecyclePolicy")
        guard let previous = try await registryStorage({ try await metadata.setRepositorySetting(repositoryID: record.id, kind: .lifecyclePolicy, json: nil) }) else {
            throw RegistryError.settingNotFound(kind: .lifecyclePolicy, registryID: record.accountID, repositoryName: name)
        }
        return (record, previous)
    }

    /// A lifecycle policy text checked against ECR's rules, with its length limits (100–30,720 characters).
    static func parseLifecyclePolicy(_ text: String) throws -> LifecyclePolicy {
        guard (100...30_720).contains(text.count) else {
            throw RegistryError.invalidParameter(member: "lifecyclePolicyText", constraint: "must have length between 100 and 30720")
        }
        do {
            return try LifecyclePolicy(json: text)
        } catch {
            throw RegistryError.invalidDocument(kind: .lifecyclePolicy, reason: "Lifecycle policy validation failure: \(error.detail)")
        }
    }

    /// A repository of the caller's own account: settings of a repository are its owner's to change.
    func ownRepository(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, _ name: String,
                       action: String) async throws -> RepositoryRecord {
        _ = try await ownAccount(caller, registryID, registry, action: action, name: name)
        return try await repository(caller, registryID: registryID, registry, name, action: action)
    }

    /// TagResource: tags a repository named by its ARN.
    public func tagResource(_ caller: RegistryCaller, _ registry: RegistryKind, arn: String, tags: [RepositoryTag]) async throws {
        let record = try await repository(byARN: arn, caller, registry)
        try RepositoryTagRules.check(tags, limit: limits(registry).maximumTags)
        guard try await registryStorage({ try await metadata.tagRepository(repositoryID: record.id, tags: tags, maxTags: limits(registry).maximumTags) }) else {
            throw RegistryError.tooManyTags(limit: limits(registry).maximumTags)
        }
    }

    /// UntagResource.
    public func untagResource(_ caller: RegistryCaller, _ registry: RegistryKind, arn: String, keys: [String]) async throws {
        let record = try await repository(byARN: arn, caller, registry)
        try await registryStorage { try await metadata.untagRepository(repositoryID: record.id, keys: keys) }
    }

    /// ListTagsForResource.
    public func listTags(_ caller: RegistryCaller, _ registry: RegistryKind, arn: String) async throws -> [RepositoryTag] {
        let record = try await repository(byARN: arn, caller, registry)
        return try await registryStorage { try await metadata.repositoryTags(repositoryID: record.id) }
    }

    /// The caller's repository an ARN names (`arn:aws:ecr:REGION:ACCOUNT:repository/NAME`, or ECR Public's).
    func repository(byARN arn: String, _ caller: RegistryCaller, _ registry: RegistryKind) async throws -> RepositoryRecord {
        let service = registry == .private ? "ecr" : "ecr-public"
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[2] == Substring(service), fields[5].hasPrefix("repository/") else {
            throw RegistryError.invalidParameter(member: "resourceArn", constraint: "must be the ARN of a repository")
        }
        let account = String(fields[4]), name = String(fields[5].dropFirst("repository/".count))
        guard account == caller.accountID else {
            throw RegistryError.accessDenied(callerAccount: caller.accountID, action: "\(service):TagResource", resource: arn)
        }
        return try await repository(caller, registryID: account, registry, name, action: "TagResource")
    }
}
