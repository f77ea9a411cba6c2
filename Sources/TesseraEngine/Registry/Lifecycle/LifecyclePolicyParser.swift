import Foundation

/// Turns a lifecycle policy document (`{"rules": [...]}`) into rules, checking each rule's shape
/// against the syntax template in "Examples of lifecycle policies in Amazon ECR",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
enum LifecyclePolicyParser {
    /// The rules of `document`, in the order written.
    static func rules(in document: [String: PolicyJSON]) throws(LifecyclePolicyError) -> [LifecycleRule] {
        try LifecycleSchema.properties(document, required: ["rules"], allowed: ["rules"], at: "the policy")
        guard let value = document["rules"], let elements = value.arrayValue else {
            throw .wrongType(document["rules"] ?? .null, allowed: "array", at: "rules")
        }
        guard !elements.isEmpty else { throw .empty(at: "rules") }
        var rules: [LifecycleRule] = []
        for (offset, element) in elements.enumerated() {
            rules.append(try rule(element, at: "rules[\(offset)]"))
        }
        return rules
    }

    private static func rule(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> LifecycleRule {
        let members = try LifecycleSchema.object(value, at: place)
        try LifecycleSchema.properties(members, required: ["rulePriority", "selection", "action"],
                                       allowed: ["rulePriority", "description", "selection", "action"], at: place)
        let priority = try LifecycleSchema.integer(members["rulePriority"] ?? .null, minimum: 1, at: "\(place).rulePriority")
        var description: String?
        if let text = members["description"] {
            description = try LifecycleSchema.string(text, at: "\(place).description")
        }
        let action = try action(members["action"] ?? .null, at: "\(place).action")
        let selection = try LifecycleSelectionParser.selection(members["selection"] ?? .null, at: "\(place).selection")
        try LifecycleRuleChecks.combination(selection, action, at: place)
        return LifecycleRule(rulePriority: priority, description: description, selection: selection, action: action)
    }

    private static func action(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> LifecycleRuleAction {
        let members = try LifecycleSchema.object(value, at: place)
        try LifecycleSchema.properties(members, required: ["type"], allowed: ["type", "targetStorageClass"], at: place)
        if let key = members.first(where: { $0.value == .null })?.key {
            throw .noShape("\(place).\(key) must not be null")
        }
        let type = try LifecycleSchema.oneOf(["expire", "transition"], members["type"] ?? .null, at: "\(place).type")
        switch (type, members["targetStorageClass"]) {
        case ("expire", nil):
            return .expire
        case ("expire", .some):
            throw .noShape("\(place).targetStorageClass is only allowed when type is transition")
        case (_, nil):
            throw .noShape("\(place).targetStorageClass (archive) is required when type is transition")
        case (_, .some(let target)):
            _ = try LifecycleSchema.oneOf(["archive"], target, at: "\(place).targetStorageClass")
            return .transition(to: .archive)
        }
    }
}
