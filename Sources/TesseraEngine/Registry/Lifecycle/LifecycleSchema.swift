import Foundation

/// Reads the fields of a lifecycle policy the way ECR's JSON schema checks them, throwing the
/// schema-style error for the first thing that does not fit. `place` names the field in reasons,
/// JSON-path style (`rules[0].selection.countNumber`).
enum LifecycleSchema {
    /// The members of an object value.
    static func object(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> [String: PolicyJSON] {
        guard let members = value.objectValue else { throw .wrongType(value, allowed: "object", at: place) }
        return members
    }

    /// Checks that `members` has every required property and no property outside `allowed`.
    static func properties(_ members: [String: PolicyJSON], required: [String], allowed: Set<String>,
                           at place: String) throws(LifecyclePolicyError) {
        let missing = required.filter { members[$0] == nil }
        guard missing.isEmpty else { throw .missing(missing, in: place) }
        let unknown = members.keys.filter { !allowed.contains($0) }
        guard unknown.isEmpty else { throw .notAllowed(unknown, in: place) }
    }

    /// A whole number no smaller than `minimum`.
    static func integer(_ value: PolicyJSON, minimum: Int, at place: String) throws(LifecyclePolicyError) -> Int {
        guard case .integer(let number) = value else { throw .wrongType(value, allowed: "integer", at: place) }
        guard number >= minimum else { throw .belowMinimum(number, minimum: minimum, at: place) }
        return number
    }

    /// A string.
    static func string(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> String {
        guard let text = value.stringValue else { throw .wrongType(value, allowed: "string", at: place) }
        return text
    }

    /// A string that is one of `possible`.
    static func oneOf(_ possible: [String], _ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> String {
        let text = try string(value, at: place)
        guard possible.contains(text) else { throw .notInEnum(text, possible: possible, at: place) }
        return text
    }

    /// A non-empty array of strings.
    static func strings(_ value: PolicyJSON, at place: String) throws(LifecyclePolicyError) -> [String] {
        guard let elements = value.arrayValue else { throw .wrongType(value, allowed: "array", at: place) }
        guard !elements.isEmpty else { throw .empty(at: place) }
        var texts: [String] = []
        for (offset, element) in elements.enumerated() {
            texts.append(try string(element, at: "\(place)[\(offset)]"))
        }
        return texts
    }
}
