import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// Pull-through cache rules: kept and returned; this server reaches no upstream registry, which
    /// ValidatePullThroughCacheRule says.
    func pullThroughCacheOperation(_ operation: String, _ call: ECRCall) async throws -> Response {
        let input = try await call.input(JSONDocument.self)
        let account = call.caller.accountID
        if operation == "DescribePullThroughCacheRules" {
            let stored = try await service.registryDocuments(call.caller, .private, prefix: "pull-through:")
            let rules = stored.compactMap { try? JSONDecoder().decode(JSONDocument.self, from: Data($0.json.utf8)) }
            var selected = rules
            if let prefixes = input["ecrRepositoryPrefixes"]?.array?.compactMap(\.string) {
                selected = try prefixes.map { prefix in
                    guard let rule = rules.first(where: { $0["ecrRepositoryPrefix"]?.string == prefix }) else {
                        throw ECRWireError(RegistryError.pullThroughCacheRuleNotFound(prefix: prefix))
                    }
                    return rule
                }
            }
            return try ECRResponse.json(JSONDocument.object(["pullThroughCacheRules": .array(selected)]))
        }
        let prefix = try call.required(input["ecrRepositoryPrefix"]?.string, "ecrRepositoryPrefix")
        try Self.checkPrefix(prefix, member: "ecrRepositoryPrefix", maximum: 30)
        let name = "pull-through:\(prefix)"
        let existing = try await document(call, name)
        let now = JSONDocument.number(Date().timeIntervalSince1970)
        switch operation {
        case "CreatePullThroughCacheRule":
            guard existing == nil else { throw ECRWireError(RegistryError.pullThroughCacheRuleAlreadyExists(prefix: prefix)) }
            let url = try call.required(input["upstreamRegistryUrl"]?.string, "upstreamRegistryUrl")
            var rule: [String: JSONDocument] = ["ecrRepositoryPrefix": .string(prefix), "upstreamRegistryUrl": .string(url),
                                                "registryId": .string(account), "createdAt": now, "updatedAt": now]
            for member in ["upstreamRegistry", "credentialArn", "customRoleArn", "upstreamRepositoryPrefix"] {
                if let value = input[member] { rule[member] = value }
            }
            if let upstream = input["upstreamRegistry"]?.string {
                try RegistryDocumentRules.oneOf(upstream, ["ecr", "ecr-public", "quay", "k8s", "docker-hub", "github-container-registry",
                                                           "azure-container-registry", "gitlab-container-registry", "chainguard"], "upstreamRegistry")
            }
            try await putDocument(call, name, .object(rule))
            return try ECRResponse.json(JSONDocument.object(rule))
        case "UpdatePullThroughCacheRule":
            guard case .object(var rule) = existing else { throw ECRWireError(RegistryError.pullThroughCacheRuleNotFound(prefix: prefix)) }
            for member in ["credentialArn", "customRoleArn"] {
                if let value = input[member] { rule[member] = value }
            }
            rule["updatedAt"] = now
            try await putDocument(call, name, .object(rule))
            return try ECRResponse.json(JSONDocument.object(rule))
        case "DeletePullThroughCacheRule":
            guard let existing else { throw ECRWireError(RegistryError.pullThroughCacheRuleNotFound(prefix: prefix)) }
            try await service.setRegistryDocument(call.caller, .private, name: name, json: nil)
            return try ECRResponse.json(existing)
        default:
            guard case .object(var rule) = existing else { throw ECRWireError(RegistryError.pullThroughCacheRuleNotFound(prefix: prefix)) }
            rule["createdAt"] = nil
            rule["updatedAt"] = nil
            rule["upstreamRegistry"] = nil
            rule["isValid"] = .bool(false)
            rule["failure"] = .string("The upstream registry \(rule["upstreamRegistryUrl"]?.string ?? "") is unreachable: this server does not "
                + "contact upstream registries, so pull through cache rules are kept but never used.")
            return try ECRResponse.json(JSONDocument.object(rule))
        }
    }

    /// A repository prefix of a rule or template: a repository name (optionally ending in `/`) or `ROOT`.
    static func checkPrefix(_ prefix: String, member: String, maximum: Int) throws {
        let bare = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        guard (prefix == "ROOT" || RepositoryNameRules.matches(bare, registry: .private)), (1...maximum).contains(prefix.count) else {
            throw ECRWireError.invalidParameter(member: member, constraint: "must be a repository name prefix of at most \(maximum) characters, or ROOT")
        }
    }
}
