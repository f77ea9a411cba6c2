import Foundation
import Hummingbird
import TesseraEngine
import TesseraStorage
import TesseraWire

extension ECRAPI {
    /// ECR's registry-level settings that need other parts of AWS (scanning, replication, signing): kept and
    /// returned as sent, once they satisfy the model's rules; plus the registry policy and account settings.
    func registrySettingsOperation(_ operation: String, _ call: ECRCall) async throws -> Response? {
        guard call.registry == .private else { return nil }
        let account = call.caller.accountID
        switch operation {
        case "PutRegistryPolicy":
            let input = try await call.input(RegistryPolicyInput.self)
            let policy = try call.required(input.policyText, "policyText")
            try await service.putRegistryPolicy(call.caller, policy: policy)
            return try ECRResponse.json(RegistryPolicyOutput(registryId: account, policyText: policy))
        case "GetRegistryPolicy", "DeleteRegistryPolicy":
            let policy = operation == "GetRegistryPolicy"
                ? try await service.registryDocument(call.caller, .private, name: "registry-policy")
                : try await service.setRegistryDocument(call.caller, .private, name: "registry-policy", json: nil)
            guard let policy else { throw ECRWireError(RegistryError.settingNotFound(kind: .registryPolicy, registryID: account, repositoryName: nil)) }
            return try ECRResponse.json(RegistryPolicyOutput(registryId: account, policyText: policy))
        case "PutRegistryScanningConfiguration":
            let input = try await call.input(JSONDocument.self)
            let configuration = try RegistryDocumentRules.scanningConfiguration(input)
            try await putDocument(call, "scanning-configuration", configuration)
            return try ECRResponse.json(JSONDocument.object(["registryScanningConfiguration": configuration]))
        case "GetRegistryScanningConfiguration":
            let configuration = try await document(call, "scanning-configuration") ?? .object(["scanType": .string("BASIC"), "rules": .array([])])
            return try ECRResponse.json(JSONDocument.object(["registryId": .string(account), "scanningConfiguration": configuration]))
        case "BatchGetRepositoryScanningConfiguration":
            return try await batchGetRepositoryScanningConfiguration(call)
        case "PutReplicationConfiguration":
            let input = try await call.input(JSONDocument.self)
            let configuration = try RegistryDocumentRules.replicationConfiguration(input["replicationConfiguration"])
            try await putDocument(call, "replication-configuration", configuration)
            return try ECRResponse.json(JSONDocument.object(["replicationConfiguration": configuration]))
        case "DescribeRegistry":
            let configuration = try await document(call, "replication-configuration") ?? .object(["rules": .array([])])
            return try ECRResponse.json(JSONDocument.object(["registryId": .string(account), "replicationConfiguration": configuration]))
        case "PutSigningConfiguration":
            let input = try await call.input(JSONDocument.self)
            let configuration = try RegistryDocumentRules.signingConfiguration(input["signingConfiguration"])
            try await putDocument(call, "signing-configuration", configuration)
            return try ECRResponse.json(JSONDocument.object(["signingConfiguration": configuration]))
        case "GetSigningConfiguration", "DeleteSigningConfiguration":
            let configuration = try await document(call, "signing-configuration")
            guard let configuration else {
                throw ECRWireError(RegistryError.settingNotFound(kind: .signingConfiguration, registryID: account, repositoryName: nil))
            }
            if operation == "DeleteSigningConfiguration" { try await service.setRegistryDocument(call.caller, .private, name: "signing-configuration", json: nil) }
            return try ECRResponse.json(JSONDocument.object(["registryId": .string(account), "signingConfiguration": configuration]))
        case "GetAccountSetting", "PutAccountSetting":
            let input = try await call.input(JSONDocument.self)
            let name = try call.required(input["name"]?.string, "name")
            guard let allowed = RegistryDocumentRules.accountSettings[name] else {
                throw ECRWireError.invalidParameter(member: "name", constraint: "must be one of \(RegistryDocumentRules.accountSettings.keys.sorted().joined(separator: ", "))")
            }
            if operation == "PutAccountSetting" {
                let value = try call.required(input["value"]?.string, "value")
                guard allowed.values.contains(value) else {
                    throw ECRWireError.invalidParameter(member: "value", constraint: "must be one of \(allowed.values.joined(separator: ", ")) for \(name)")
                }
                try await service.setRegistryDocument(call.caller, .private, name: "account-setting:\(name)", json: value)
                return try ECRResponse.json(JSONDocument.object(["name": .string(name), "value": .string(value)]))
            }
            let value = try await service.registryDocument(call.caller, .private, name: "account-setting:\(name)") ?? allowed.fallback
            return try ECRResponse.json(JSONDocument.object(["name": .string(name), "value": .string(value)]))
        default:
            return try await integrationOperation(operation, call)
        }
    }

    func batchGetRepositoryScanningConfiguration(_ call: ECRCall) async throws -> Response {
        let input = try await call.input(JSONDocument.self)
        let names = try call.required(input["repositoryNames"]?.array, "repositoryNames").compactMap(\.string)
        guard (1...25).contains(names.count) else {
            throw ECRWireError.invalidParameter(member: "repositoryNames", constraint: "must have between 1 and 25 members")
        }
        var configurations: [JSONDocument] = []
        var failures: [JSONDocument] = []
        for name in names {
            do {
                let page = try await service.describeRepositories(call.caller, registryID: nil, .private, names: [name], maxResults: nil, nextToken: nil)
                for record in page.repositories {
                    configurations.append(.object([
                        "repositoryArn": .string(RegistryService.repositoryARN(region: call.caller.region, accountID: record.accountID, registry: .private, name: record.name)),
                        "repositoryName": .string(record.name), "scanOnPush": .bool(record.scanOnPush),
                        "scanFrequency": .string(record.scanOnPush ? "SCAN_ON_PUSH" : "MANUAL"), "appliedScanFilters": .array([]),
                    ]))
                }
            } catch RegistryError.repositoryNotFound {
                failures.append(.object(["repositoryName": .string(name), "failureCode": .string("REPOSITORY_NOT_FOUND"),
                                         "failureReason": .string("REPOSITORY_NOT_FOUND")]))
            }
        }
        return try ECRResponse.json(JSONDocument.object(["scanningConfigurations": .array(configurations), "failures": .array(failures)]))
    }

    /// A registry document of the caller's private registry, decoded.
    func document(_ call: ECRCall, _ name: String) async throws -> JSONDocument? {
        guard let json = try await service.registryDocument(call.caller, .private, name: name) else { return nil }
        return try? JSONDecoder().decode(JSONDocument.self, from: Data(json.utf8))
    }

    func putDocument(_ call: ECRCall, _ name: String, _ value: JSONDocument) async throws {
        try await service.setRegistryDocument(call.caller, .private, name: name, json: try Self.encode(value))
    }
}

struct RegistryPolicyInput: Decodable {
    var policyText: String?
}

struct RegistryPolicyOutput: Encodable {
    var registryId: String
    var policyText: String
}
