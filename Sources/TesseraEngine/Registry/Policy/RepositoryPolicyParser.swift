import Foundation

/// Turns a repository policy text into statements, refusing what ECR refuses with
/// "Invalid repository policy provided": text that is not a JSON object, unknown elements, a
/// statement without `Effect`, `Principal`, or exactly one of `Action` and `NotAction`, and
/// malformed values. Element rules: "IAM JSON policy element reference",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
enum RepositoryPolicyParser {
    static let versions = ["2012-10-17", "2008-10-17"]
    static let statementElements: Set<String> = [
        "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition",
    ]

    /// The statements of `text`, in the order written.
    /// - Parameter registryScope: a registry policy, whose `Resource` may name repositories by ARN.
    static func statements(in text: String, registryScope: Bool = false) throws(RepositoryPolicyError) -> [RepositoryPolicyStatement] {
        guard let document = PolicyJSON.parse(text)?.objectValue else {
            throw RepositoryPolicyError("the policy text is not a JSON object")
        }
        if let unknown = document.keys.sorted().first(where: { !["Version", "Id", "Statement"].contains($0) }) {
            throw RepositoryPolicyError("unknown policy element \(unknown)")
        }
        if let version = document["Version"], !versions.contains(version.stringValue ?? "") {
            throw RepositoryPolicyError("Version must be 2012-10-17 or 2008-10-17")
        }
        if let id = document["Id"], id.stringValue == nil {
            throw RepositoryPolicyError("Id must be a string")
        }
        let written: [PolicyJSON]
        switch document["Statement"] {
        case nil: throw RepositoryPolicyError("the policy has no Statement")
        case .object?: written = [document["Statement"] ?? .null]
        case .array(let elements)?: written = elements
        default: throw RepositoryPolicyError("Statement must be an object or an array of objects")
        }
        guard !written.isEmpty else { throw RepositoryPolicyError("Statement must not be empty") }
        var statements: [RepositoryPolicyStatement] = []
        for (offset, element) in written.enumerated() {
            statements.append(try statement(element, at: "Statement[\(offset)]", registryScope: registryScope))
        }
        return statements
    }

    private static func statement(_ value: PolicyJSON, at place: String, registryScope: Bool) throws(RepositoryPolicyError) -> RepositoryPolicyStatement {
        guard let members = value.objectValue else { throw RepositoryPolicyError("\(place) is not an object") }
        if let unknown = members.keys.sorted().first(where: { !statementElements.contains($0) }) {
            throw RepositoryPolicyError("\(place) has unknown element \(unknown)")
        }
        for unsupported in ["NotPrincipal", "NotResource"] where members[unsupported] != nil {
            throw RepositoryPolicyError("\(place) uses \(unsupported), which this registry does not support")
        }
        var sid: String?
        if let written = members["Sid"] {
            guard let text = written.stringValue else { throw RepositoryPolicyError("\(place).Sid must be a string") }
            sid = text
        }
        guard let effectText = members["Effect"]?.stringValue,
              let effect = RepositoryPolicyStatement.Effect(rawValue: effectText)
        else { throw RepositoryPolicyError("\(place).Effect must be Allow or Deny") }
        guard let principal = members["Principal"] else { throw RepositoryPolicyError("\(place) has no Principal") }
        let principals = try RepositoryPolicyElementParser.principals(principal, at: "\(place).Principal")
        let actions = try RepositoryPolicyElementParser.actions(members["Action"], notAction: members["NotAction"], at: place)
        if let resource = members["Resource"] {
            try RepositoryPolicyElementParser.resource(resource, at: "\(place).Resource", registryScope: registryScope)
        }
        if let condition = members["Condition"] {
            try RepositoryPolicyElementParser.condition(condition, at: "\(place).Condition")
        }
        return RepositoryPolicyStatement(sid: sid, effect: effect, principals: principals, actions: actions,
                                         hasCondition: members["Condition"] != nil)
    }
}
