import Foundation

/// A glob as AWS policy texts write them: `*` matches any run of characters, including none, and,
/// in dialects that have it, `?` matches exactly one character. Everything else matches itself.
///
/// ECR lifecycle `tagPatternList` entries know only `*` and compare case-sensitively (image tags
/// are case-sensitive); IAM `Action` values know `*` and `?` and compare case-insensitively
/// ("IAM JSON policy elements: Action",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
struct WildcardPattern: Sendable, Equatable {
    /// The pattern as written.
    let pattern: String
    /// Whether `?` stands for any one character (IAM) or only for itself (ECR tag patterns).
    let questionMarkIsWildcard: Bool
    /// Whether letters match regardless of case.
    let ignoresCase: Bool

    /// How many `*` the pattern holds.
    var starCount: Int {
        pattern.unicodeScalars.filter { $0 == "*" }.count
    }

    /// Whether `text` matches the whole pattern.
    func matches(_ text: String) -> Bool {
        let wanted = Array((ignoresCase ? pattern.lowercased() : pattern).unicodeScalars)
        let given = Array((ignoresCase ? text.lowercased() : text).unicodeScalars)
        var p = 0
        var t = 0
        var lastStar: Int?
        var resumeAt = 0
        while t < given.count {
            if p < wanted.count, wanted[p] == "*" {
                lastStar = p
                resumeAt = t
                p += 1
            } else if p < wanted.count, wanted[p] == given[t] || (questionMarkIsWildcard && wanted[p] == "?") {
                p += 1
                t += 1
            } else if let star = lastStar {
                p = star + 1
                resumeAt += 1
                t = resumeAt
            } else {
                return false
            }
        }
        while p < wanted.count, wanted[p] == "*" { p += 1 }
        return p == wanted.count
    }
}
