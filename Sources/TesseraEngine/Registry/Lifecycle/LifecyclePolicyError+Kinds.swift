import Foundation

/// The kinds of lifecycle policy errors, worded like the JSON-schema validator behind ECR's
/// PutLifecyclePolicy (the wording seen in ECR's `InvalidParameterException` messages).
extension LifecyclePolicyError {
    /// The text is not JSON, or not a JSON object.
    static let unreadable = LifecyclePolicyError(
        detail: "Could not map policyString into LifecyclePolicy.",
        reason: "the policy text is not a JSON object")

    /// An object lacks properties its schema requires.
    static func missing(_ names: [String], in place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "object has missing required properties (\(listed(names.sorted())))",
            reason: "\(place) is missing \(names.sorted().joined(separator: ", "))")
    }

    /// An object has properties its schema does not know.
    static func notAllowed(_ names: [String], in place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "object instance has properties which are not allowed by the schema: (\(listed(names.sorted())))",
            reason: "\(place) has unknown properties \(names.sorted().joined(separator: ", "))")
    }

    /// A value has the wrong JSON type.
    static func wrongType(_ value: PolicyJSON, allowed: String, at place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "instance type (\(value.typeName)) does not match any allowed primitive type (allowed: [\"\(allowed)\"])",
            reason: "\(place) must be of type \(allowed), not \(value.typeName)")
    }

    /// A string is not one of the values its schema lists.
    static func notInEnum(_ value: String, possible: [String], at place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "instance value (\(value)) not found in enum :(possible values: \(listed(possible.sorted())))",
            reason: "\(place) must be one of \(possible.sorted().joined(separator: ", ")), not \(value)")
    }

    /// A number is below its schema's minimum.
    static func belowMinimum(_ found: Int, minimum: Int, at place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "numeric instance is lower than the required minimum (minimum: \(minimum), found: \(found))",
            reason: "\(place) must be at least \(minimum), not \(found)")
    }

    /// An array is empty where its schema wants at least one element.
    static func empty(at place: String) -> LifecyclePolicyError {
        LifecyclePolicyError(
            detail: "array is too short: must have at least 1 elements but instance has 0 elements",
            reason: "\(place) must not be empty")
    }

    /// A selection or action fits none of its schema's alternative shapes (ECR's schema offers two
    /// of each: a count versus an age selection, an expire versus a transition action).
    static func noShape(_ reason: String) -> LifecyclePolicyError {
        LifecyclePolicyError(detail: "instance failed to match exactly one schema (matched 0 out of 2)", reason: reason)
    }

    private static func listed(_ names: [String]) -> String {
        "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}
