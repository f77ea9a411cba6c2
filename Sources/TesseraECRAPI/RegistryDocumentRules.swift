import TesseraWire

/// The rules of the `ecr` model for the registry documents this server keeps without acting on them
/// (scanning, replication and signing configurations) and for account settings: enumerations, list sizes,
/// required members. A document that passes is kept and returned exactly as sent.
enum RegistryDocumentRules {
    /// Account settings with their allowed values (PutAccountSetting's documentation) and the value before
    /// any is set. Every value the documentation lists is accepted, including the legacy ones.
    static let accountSettings: [String: (values: [String], fallback: String)] = [
        "BASIC_SCAN_TYPE_VERSION": (["AWS_NATIVE", "CLAIR"], "AWS_NATIVE"),
        "REGISTRY_POLICY_SCOPE": (["V1", "V2"], "V2"),
        "BLOB_MOUNTING": (["ENABLED", "DISABLED"], "DISABLED"),
    ]

    static func scanningConfiguration(_ input: JSONDocument) throws -> JSONDocument {
        let scanType = input["scanType"]?.string ?? "BASIC"
        try oneOf(scanType, ["BASIC", "ENHANCED"], "scanType")
        let rules = input["rules"]?.array ?? []
        guard rules.count <= 2 else { throw invalid("rules", "must have at most 2 members") }
        for rule in rules {
            try oneOf(rule["scanFrequency"]?.string, ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"], "rules.member.scanFrequency")
            let filters = try list(rule["repositoryFilters"], "rules.member.repositoryFilters", max: 100)
            for filter in filters {
                try oneOf(filter["filterType"]?.string, ["WILDCARD"], "repositoryFilters.member.filterType")
                try length(filter["filter"]?.string, 1...255, "repositoryFilters.member.filter")
            }
        }
        return .object(["scanType": .string(scanType), "rules": .array(rules)])
    }

    static func replicationConfiguration(_ input: JSONDocument?) throws -> JSONDocument {
        guard let input, let rules = input["rules"]?.array else { throw invalid("replicationConfiguration.rules", "must be present") }
        guard rules.count <= 10 else { throw invalid("replicationConfiguration.rules", "must have at most 10 members") }
        for rule in rules {
            let destinations = try list(rule["destinations"], "rules.member.destinations", max: 100)
            for destination in destinations {
                try length(destination["region"]?.string, 2...25, "destinations.member.region")
                guard let registry = destination["registryId"]?.string, registry.count == 12, registry.allSatisfy(\.isNumber) else {
                    throw invalid("destinations.member.registryId", "must satisfy regular expression '[0-9]{12}'")
                }
            }
            for filter in rule["repositoryFilters"]?.array ?? [] {
                try oneOf(filter["filterType"]?.string, ["PREFIX_MATCH"], "repositoryFilters.member.filterType")
                try length(filter["filter"]?.string, 2...256, "repositoryFilters.member.filter")
            }
        }
        return .object(["rules": .array(rules)])
    }

    static func signingConfiguration(_ input: JSONDocument?) throws -> JSONDocument {
        guard let input, let rules = input["rules"]?.array else { throw invalid("signingConfiguration.rules", "must be present") }
        guard rules.count <= 10 else { throw invalid("signingConfiguration.rules", "must have at most 10 members") }
        for rule in rules {
            guard let profile = rule["signingProfileArn"]?.string, profile.hasPrefix("arn:aws"), profile.contains(":signer:") else {
                throw invalid("rules.member.signingProfileArn", "must be the ARN of an AWS Signer signing profile")
            }
            for filter in rule["repositoryFilters"]?.array ?? [] {
                try oneOf(filter["filterType"]?.string, ["WILDCARD_MATCH"], "repositoryFilters.member.filterType")
                try length(filter["filter"]?.string, 1...256, "repositoryFilters.member.filter")
            }
        }
        return .object(["rules": .array(rules)])
    }

    static func oneOf(_ value: String?, _ allowed: [String], _ member: String) throws {
        guard let value, allowed.contains(value) else { throw invalid(member, "must be one of \(allowed.joined(separator: ", "))") }
    }

    static func length(_ value: String?, _ range: ClosedRange<Int>, _ member: String) throws {
        guard let value, range.contains(value.count) else {
            throw invalid(member, "must have length between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    static func list(_ value: JSONDocument?, _ member: String, max: Int) throws -> [JSONDocument] {
        guard let items = value?.array else { throw invalid(member, "must be present") }
        guard items.count <= max else { throw invalid(member, "must have at most \(max) members") }
        return items
    }

    static func invalid(_ member: String, _ constraint: String) -> ECRWireError {
        .invalidParameter(member: member, constraint: constraint)
    }
}
