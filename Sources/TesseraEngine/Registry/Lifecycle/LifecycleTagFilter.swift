import Foundation

/// The tags a `tagged` lifecycle rule looks for: `tagPrefixList` or `tagPatternList`, never both.
/// An image matches when every entry matches at least one of its tags; a prefix matches tags that
/// begin with it, a pattern matches whole tags with `*` standing for any run of characters (at most
/// four `*` per pattern). Matching is case-sensitive, as image tags are.
/// Source: "Automate the cleanup of images by using lifecycle policies in Amazon ECR", section
/// "Lifecycle policy evaluation rules",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
public enum LifecycleTagFilter: Sendable, Equatable {
    case prefixes([String])
    case patterns([String])

    /// Most `*` wildcards one `tagPatternList` entry may hold.
    public static let maximumWildcardsPerPattern = 4

    /// The entries as written, whichever kind they are.
    public var entries: [String] {
        switch self {
        case .prefixes(let entries), .patterns(let entries): entries
        }
    }

    /// Whether an image with `tags` matches every entry.
    public func matches(tags: [String]) -> Bool {
        switch self {
        case .prefixes(let prefixes):
            prefixes.allSatisfy { prefix in tags.contains { $0.hasPrefix(prefix) } }
        case .patterns(let patterns):
            patterns.allSatisfy { pattern in
                let glob = WildcardPattern(pattern: pattern, questionMarkIsWildcard: false, ignoresCase: false)
                return tags.contains { glob.matches($0) }
            }
        }
    }
}
