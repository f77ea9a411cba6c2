import Foundation

/// Turns a rule's `selection` object into a `LifecycleSelection`, checking the fields described in
/// "Lifecycle policy properties in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
enum LifecycleSelectionParser {
    static let countTypes = ["imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"]
    static let allowed: Set<String> = [
        "tagStatus", "tagPatternList", "tagPrefixList", "storageClass", "countType", "countUnit", "countNumber",
    ]

    /// The selection `value` spells.
    static func selection(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> LifecycleSelection {
        let members = try LifecycleSchema.object(value, at: place)
        try LifecycleSchema.properties(members, required: ["tagStatus", "countType", "countNumber"],
                                       allowed: allowed, at: place)
        if let key = members.first(where: { $0.value == .null })?.key {
            throw .noShape("\(place).\(key) must not be null")
        }
        let statusText = try LifecycleSchema.oneOf(
            LifecycleTagStatus.allCases.map(\.rawValue), members["tagStatus"] ?? .null, at: "\(place).tagStatus")
        let status = LifecycleTagStatus(rawValue: statusText) ?? .any
        let count = try count(members, at: place)
        var storageClass = LifecycleStorageClass.standard
        if let value = members["storageClass"] {
            let text = try LifecycleSchema.oneOf(
                LifecycleStorageClass.allCases.map(\.rawValue), value, at: "\(place).storageClass")
            storageClass = LifecycleStorageClass(rawValue: text) ?? .standard
        }
        var prefixes: [String]?
        if let value = members["tagPrefixList"] {
            prefixes = try LifecycleSchema.strings(value, at: "\(place).tagPrefixList")
        }
        var patterns: [String]?
        if let value = members["tagPatternList"] {
            patterns = try LifecycleSchema.strings(value, at: "\(place).tagPatternList")
        }
        let filter = try LifecycleRuleChecks.tagFilter(status: status, prefixes: prefixes, patterns: patterns, at: place)
        return LifecycleSelection(tagStatus: status, tagFilter: filter, storageClass: storageClass, count: count)
    }

    /// `countType`, `countUnit` and `countNumber` together: a count takes no unit, an age needs `days`.
    private static func count(_ members: [String: PolicyJSON], at place: String) throws(LifecyclePolicyError) -> LifecycleCount {
        let type = try LifecycleSchema.string(members["countType"] ?? .null, at: "\(place).countType")
        guard countTypes.contains(type) else {
            throw .noShape("\(place).countType must be one of \(countTypes.joined(separator: ", ")), not \(type)")
        }
        switch (type, members["countUnit"]) {
        case ("imageCountMoreThan", .some):
            throw .noShape("\(place).countUnit is only allowed when countType is sinceImagePushed, sinceImagePulled or sinceImageTransitioned")
        case ("imageCountMoreThan", nil):
            break
        case (_, nil):
            throw .noShape("\(place).countUnit (days) is required when countType is \(type)")
        case (_, .some(let unit)):
            _ = try LifecycleSchema.oneOf(["days"], unit, at: "\(place).countUnit")
        }
        let number = try LifecycleSchema.integer(members["countNumber"] ?? .null, minimum: 1, at: "\(place).countNumber")
        switch type {
        case "sinceImagePushed": return .sinceImagePushed(days: number)
        case "sinceImagePulled": return .sinceImagePulled(days: number)
        case "sinceImageTransitioned": return .sinceImageTransitioned(days: number)
        default: return .imageCountMoreThan(number)
        }
    }
}
