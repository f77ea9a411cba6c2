import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// Repository creation templates: kept and returned as sent (with their times), once checked.
    func templateOperation(_ operation: String, _ call: ECRCall) async throws -> Response {
        let input = try await call.input(JSONDocument.self)
        let account = JSONDocument.string(call.caller.accountID)
        if operation == "DescribeRepositoryCreationTemplates" {
            let stored = try await service.registryDocuments(call.caller, .private, prefix: "template:")
            var templates = stored.compactMap { try? JSONDecoder().decode(JSONDocument.self, from: Data($0.json.utf8)) }
            if let prefixes = input["prefixes"]?.array?.compactMap(\.string), !prefixes.isEmpty {
                templates = templates.filter { prefixes.contains($0["prefix"]?.string ?? "") }
            }
            return try ECRResponse.json(JSONDocument.object(["registryId": account, "repositoryCreationTemplates": .array(templates)]))
        }
        let prefix = try call.required(input["prefix"]?.string, "prefix")
        try Self.checkPrefix(prefix, member: "prefix", maximum: 256)
        let name = "template:\(prefix)"
        let existing = try await document(call, name)
        let now = JSONDocument.number(Date().timeIntervalSince1970)
        var template: [String: JSONDocument]
        switch operation {
        case "CreateRepositoryCreationTemplate":
            guard existing == nil else { throw ECRWireError(RegistryError.templateAlreadyExists(prefix: prefix)) }
            _ = try call.required(input["appliedFor"]?.array, "appliedFor")
            template = ["prefix": .string(prefix), "createdAt": now]
        case "UpdateRepositoryCreationTemplate":
            guard case .object(let stored) = existing else { throw ECRWireError(RegistryError.templateNotFound(prefix: prefix)) }
            template = stored
        default:
            guard let existing else { throw ECRWireError(RegistryError.templateNotFound(prefix: prefix)) }
            try await service.setRegistryDocument(call.caller, .private, name: name, json: nil)
            return try ECRResponse.json(JSONDocument.object(["registryId": account, "repositoryCreationTemplate": existing]))
        }
        for member in ["description", "encryptionConfiguration", "resourceTags", "imageTagMutability", "imageTagMutabilityExclusionFilters",
                       "repositoryPolicy", "lifecyclePolicy", "appliedFor", "customRoleArn"] {
            if let value = input[member] { template[member] = value }
        }
        try Self.checkTemplate(template)
        template["updatedAt"] = now
        try await putDocument(call, name, .object(template))
        return try ECRResponse.json(JSONDocument.object(["registryId": account, "repositoryCreationTemplate": .object(template)]))
    }

    static func checkTemplate(_ template: [String: JSONDocument]) throws {
        for applied in template["appliedFor"]?.array ?? [] {
            try RegistryDocumentRules.oneOf(applied.string, ["REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH"], "appliedFor.member")
        }
        if let mutability = template["imageTagMutability"]?.string {
            try RegistryDocumentRules.oneOf(mutability, TagMutability.settings, "imageTagMutability")
        }
        if let description = template["description"]?.string, description.count > 256 {
            throw ECRWireError.invalidParameter(member: "description", constraint: "must have length less than or equal to 256")
        }
        if let policy = template["repositoryPolicy"]?.string, !policy.isEmpty, (try? RepositoryPolicy(json: policy)) == nil {
            throw ECRWireError.invalidParameter(member: "repositoryPolicy", constraint: "Invalid repository policy provided")
        }
        if let policy = template["lifecyclePolicy"]?.string, !policy.isEmpty {
            do {
                _ = try LifecyclePolicy(json: policy)
            } catch {
                throw ECRWireError.invalidParameter(member: "lifecyclePolicy", constraint: "Lifecycle policy validation failure: \(error.detail)")
            }
        }
    }

    /// Pull-time update exclusions: IAM principals whose pulls do not update an image's last pull time.
    func exclusionOperation(_ operation: String, _ call: ECRCall) async throws -> Response {
        let input = try await call.input(JSONDocument.self)
        if operation == "ListPullTimeUpdateExclusions" {
            let stored = try await service.registryDocuments(call.caller, .private, prefix: "pull-time-exclusion:")
            return try ECRResponse.json(JSONDocument.object(["pullTimeUpdateExclusions": .array(stored.map {
                .string(String($0.name.dropFirst("pull-time-exclusion:".count)))
            })]))
        }
        let principal = try call.required(input["principalArn"]?.string, "principalArn")
        guard principal.hasPrefix("arn:aws"), principal.contains(":iam::"), principal.contains(":role/") || principal.contains(":user/") else {
            throw ECRWireError.invalidParameter(member: "principalArn", constraint: "must be the ARN of an IAM role or user")
        }
        let name = "pull-time-exclusion:\(principal)"
        let existing = try await service.registryDocument(call.caller, .private, name: name)
        if operation == "RegisterPullTimeUpdateExclusion" {
            guard existing == nil else { throw ECRWireError("ExclusionAlreadyExistsException", "The principal \(principal) is already excluded") }
            let now = Date().timeIntervalSince1970
            try await service.setRegistryDocument(call.caller, .private, name: name, json: String(now))
            return try ECRResponse.json(JSONDocument.object(["principalArn": .string(principal), "createdAt": .number(now)]))
        }
        guard existing != nil else { throw ECRWireError("ExclusionNotFoundException", "The principal \(principal) is not excluded") }
        try await service.setRegistryDocument(call.caller, .private, name: name, json: nil)
        return try ECRResponse.json(JSONDocument.object(["principalArn": .string(principal)]))
    }
}
