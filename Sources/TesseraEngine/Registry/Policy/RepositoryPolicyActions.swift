import Foundation

/// The actions a repository policy statement speaks of: its `Action` list, or every action except
/// its `NotAction` list. Entries are `*` or `service:name`, where the name may hold the wildcards
/// `*` (any run of characters) and `?` (one character); prefix and name match case-insensitively,
/// so `ecr:batch*` covers `ecr:BatchGetImage`.
/// Sources: "IAM JSON policy elements: Action" and "IAM JSON policy elements: NotAction",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
public enum RepositoryPolicyActions: Sendable, Equatable {
    /// `Action`: the statement covers the actions that match an entry.
    case only([String])
    /// `NotAction`: the statement covers the actions that match no entry.
    case allExcept([String])

    /// Whether the statement covers `action` (for example `ecr:BatchGetImage`).
    public func covers(_ action: String) -> Bool {
        switch self {
        case .only(let entries): Self.anyMatches(entries, action)
        case .allExcept(let entries): !Self.anyMatches(entries, action)
        }
    }

    /// Whether `entry` is a well-formed action entry: `*`, or a literal service prefix, a colon and a
    /// non-empty name.
    static func isValid(_ entry: String) -> Bool {
        if entry == "*" { return true }
        let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        let prefixIsLiteral = parts[0].unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        let nameIsPlain = parts[1].unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0 != ":" }
        return prefixIsLiteral && nameIsPlain
    }

    private static func anyMatches(_ entries: [String], _ action: String) -> Bool {
        entries.contains { WildcardPattern(pattern: $0, questionMarkIsWildcard: true, ignoresCase: true).matches(action) }
    }
}
