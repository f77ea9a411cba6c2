import Foundation

/// The rules ECR documents for a single lifecycle rule beyond its JSON shape.
/// Sources: "Lifecycle policy properties in Amazon ECR" (sections "Tag status", "Tag pattern list",
/// "Storage class", "Count type"), "Examples of lifecycle policies in Amazon ECR" (the Important
/// notes under "Filtering on last pulled time" and "Filtering on archive transition time") and
/// "Automate the cleanup of images by using lifecycle policies in Amazon ECR" (evaluation rules),
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/
enum LifecycleRuleChecks {
    /// Days an image must stay archived before a lifecycle rule may delete it.
    static let minimumArchiveDays = 90

    /// The tag filter of a selection: `tagged` needs exactly one of the two lists, the other
    /// statuses take neither; a pattern holds at most four `*`.
    static func tagFilter(status: LifecycleTagStatus, prefixes: [String]?, patterns: [String]?,
                          at place: String) throws(LifecyclePolicyError) -> LifecycleTagFilter? {
        switch (status, prefixes, patterns) {
        case (.tagged, nil, nil):
            throw LifecyclePolicyError(detail: "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.")
        case (.tagged, .some, .some):
            throw LifecyclePolicyError(detail: "A rule may specify either tagPatternList or tagPrefixList, but not both.",
                                       reason: "\(place) has both tagPatternList and tagPrefixList")
        case (.tagged, .some(let prefixes), nil):
            return .prefixes(prefixes)
        case (.tagged, nil, .some(let patterns)):
            let limit = LifecycleTagFilter.maximumWildcardsPerPattern
            if let crowded = patterns.first(where: {
                WildcardPattern(pattern: $0, questionMarkIsWildcard: false, ignoresCase: false).starCount > limit
            }) {
                throw LifecyclePolicyError(
                    detail: "Maximum of \(limit) wildcards (*) allowed per tagPatternList string: \(crowded)",
                    reason: "\(place).tagPatternList entry \(crowded) has more than \(limit) wildcards")
            }
            return .patterns(patterns)
        case (_, nil, nil):
            return nil
        default:
            throw LifecyclePolicyError(
                detail: "tagPrefixList and tagPatternList may only be used when tagStatus=TAGGED.",
                reason: "\(place) has a tag list but tagStatus is \(status.rawValue)")
        }
    }

    /// The storage class, count type and action of one rule fit together: `archive` is selected only
    /// by `sinceImageTransitioned` (which needs it), `sinceImagePulled` only transitions,
    /// `sinceImageTransitioned` only expires and waits at least 90 days.
    static func combination(_ selection: LifecycleSelection, _ action: LifecycleRuleAction,
                            at place: String) throws(LifecyclePolicyError) {
        switch (selection.count, selection.storageClass, action) {
        case (.sinceImageTransitioned, .standard, _):
            throw LifecyclePolicyError(detail: "storageClass must be archive when countType=sinceImageTransitioned.",
                                       reason: "\(place) uses sinceImageTransitioned without storageClass archive")
        case (.sinceImageTransitioned, .archive, .transition):
            throw LifecyclePolicyError(detail: "countType=sinceImageTransitioned can only be used with action type expire.",
                                       reason: "\(place) transitions images that are already archived")
        case (.sinceImageTransitioned(let days), .archive, .expire) where days < minimumArchiveDays:
            throw LifecyclePolicyError(
                detail: "countNumber must be at least \(minimumArchiveDays) when countType=sinceImageTransitioned.",
                reason: "\(place) would delete images archived for less than the \(minimumArchiveDays)-day minimum")
        case (.sinceImageTransitioned, .archive, .expire):
            return
        case (_, .archive, _):
            throw LifecyclePolicyError(
                detail: "storageClass archive can only be used with countType=sinceImageTransitioned.",
                reason: "\(place) selects archived images with countType \(selection.count.countType)")
        case (.sinceImagePulled, .standard, .expire):
            throw LifecyclePolicyError(detail: "countType=sinceImagePulled can only be used with action type transition.",
                                       reason: "\(place) would expire images by pull time, which ECR only allows for transitions")
        default:
            return
        }
    }
}
