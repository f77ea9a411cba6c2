import Foundation

/// Reads the `Principal`, `Action`/`NotAction`, `Resource` and `Condition` elements of one
/// repository policy statement, refusing malformed values.
/// Source: "IAM JSON policy element reference",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
enum RepositoryPolicyElementParser {
    /// `"*"`, or an object of `AWS`, `Service` and `Federated` entries (a string or strings each).
    static func principals(_ value: PolicyJSON, at place: String) throws(RepositoryPolicyError) -> [RepositoryPolicyPrincipal] {
        if value == .string("*") { return [.everyone] }
        guard let members = value.objectValue, !members.isEmpty else {
            throw RepositoryPolicyError("\(place) must be \"*\" or an object such as {\"AWS\": \"123456789012\"}")
        }
        var principals: [RepositoryPolicyPrincipal] = []
        for key in members.keys.sorted() {
            let entries = try strings(members[key] ?? .null, at: "\(place).\(key)")
            for entry in entries {
                switch key {
                case "AWS":
                    guard let principal = RepositoryPolicyPrincipal.aws(entry) else {
                        throw RepositoryPolicyError("\(place).AWS entry \(entry) is not an account ID or an IAM root, user or role ARN")
                    }
                    principals.append(principal)
                case "Service" where !entry.isEmpty && !entry.contains("*"):
                    principals.append(.service(entry))
                case "Federated" where !entry.isEmpty && !entry.contains("*"):
                    principals.append(.federated(entry))
                default:
                    throw RepositoryPolicyError("\(place) has an invalid \(key) entry \(entry)")
                }
            }
        }
        return principals
    }

    /// Exactly one of `Action` and `NotAction`, each a well-formed action or actions.
    static func actions(_ action: PolicyJSON?, notAction: PolicyJSON?, at place: String) throws(RepositoryPolicyError) -> RepositoryPolicyActions {
        switch (action, notAction) {
        case (.some(let value), nil):
            return .only(try actionEntries(value, at: "\(place).Action"))
        case (nil, .some(let value)):
            return .allExcept(try actionEntries(value, at: "\(place).NotAction"))
        case (.some, .some):
            throw RepositoryPolicyError("\(place) has both Action and NotAction")
        case (nil, nil):
            throw RepositoryPolicyError("\(place) has neither Action nor NotAction")
        }
    }

    /// `"*"` or `["*"]`: the repository the policy is attached to.
    static func resource(_ value: PolicyJSON, at place: String, registryScope: Bool) throws(RepositoryPolicyError) {
        if registryScope {
            guard try strings(value, at: place).allSatisfy({ $0 == "*" || $0.hasPrefix("arn:aws:ecr:") }) else {
                throw RepositoryPolicyError("\(place) may only be \"*\" or the ARNs of repositories of this registry")
            }
            return
        }
        guard try strings(value, at: place).allSatisfy({ $0 == "*" }) else {
            throw RepositoryPolicyError("\(place) may only be \"*\", the repository the policy is attached to")
        }
    }

    /// An object of condition operators, each an object of condition keys.
    static func condition(_ value: PolicyJSON, at place: String) throws(RepositoryPolicyError) {
        guard let operators = value.objectValue, !operators.isEmpty,
              operators.values.allSatisfy({ ($0.objectValue?.isEmpty ?? true) == false })
        else { throw RepositoryPolicyError("\(place) must map condition operators to objects of condition keys") }
    }

    private static func actionEntries(_ value: PolicyJSON, at place: String) throws(RepositoryPolicyError) -> [String] {
        let entries = try strings(value, at: place)
        if let bad = entries.first(where: { !RepositoryPolicyActions.isValid($0) }) {
            throw RepositoryPolicyError("\(place) entry \(bad) is not \"*\" or service:action")
        }
        return entries
    }

    /// A string, or a non-empty array of strings.
    private static func strings(_ value: PolicyJSON, at place: String) throws(RepositoryPolicyError) -> [String] {
        if let text = value.stringValue { return [text] }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw RepositoryPolicyError("\(place) must be a string or a non-empty array of strings")
        }
        var texts: [String] = []
        for element in elements {
            guard let text = element.stringValue else { throw RepositoryPolicyError("\(place) must hold only strings") }
            texts.append(text)
        }
        return texts
    }
}
