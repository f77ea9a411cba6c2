import Foundation

/// The rules ECR documents across the rules of one lifecycle policy: priorities are unique; among
/// the rules selecting one storage class, a `tagStatus: any` rule has the highest priority, at most
/// one rule selects untagged images and no two rules select the same set of prefixes or patterns.
/// Sources: "Lifecycle policy properties in Amazon ECR" (section "Rule priority") and "Automate the
/// cleanup of images by using lifecycle policies in Amazon ECR" (evaluation rules),
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
enum LifecyclePolicyConsistency {
    /// Throws for the first documented conflict between `rules`.
    static func check(_ rules: [LifecycleRule]) throws(LifecyclePolicyError) {
        var priorities = Set<Int>()
        for rule in rules where !priorities.insert(rule.rulePriority).inserted {
            throw LifecyclePolicyError(detail: "Rule priorities must be unique. Duplicate rulePriority: \(rule.rulePriority).",
                                       reason: "two rules have rulePriority \(rule.rulePriority)")
        }
        for storageClass in LifecycleStorageClass.allCases {
            try checkClass(rules.filter { $0.selection.storageClass == storageClass }, storageClass)
        }
    }

    private static func checkClass(_ rules: [LifecycleRule], _ storageClass: LifecycleStorageClass) throws(LifecyclePolicyError) {
        let highest = rules.map(\.rulePriority).max() ?? 0
        if let early = rules.first(where: { $0.selection.tagStatus == .any && $0.rulePriority != highest }) {
            throw LifecyclePolicyError(
                detail: "Rule for tagStatus=ANY must have the lowest priority per storage class",
                reason: "the tagStatus any rule with rulePriority \(early.rulePriority) is not the last rule selecting \(storageClass.rawValue) images")
        }
        if rules.filter({ $0.selection.tagStatus == .untagged }).count > 1 {
            throw LifecyclePolicyError(
                detail: "Only one rule can select Untagged images per storage class.",
                reason: "more than one rule selects untagged \(storageClass.rawValue) images")
        }
        var filters: [LifecycleTagFilter] = []
        for rule in rules {
            guard let filter = rule.selection.tagFilter.map(normalized) else { continue }
            guard !filters.contains(filter) else {
                throw LifecyclePolicyError(
                    detail: "The set of rules per storage class must contain a unique set of tag prefixes.",
                    reason: "rulePriority \(rule.rulePriority) repeats another rule's tag list \(filter.entries) for \(storageClass.rawValue) images")
            }
            filters.append(filter)
        }
    }

    /// The filter with its entries as a sorted set, so that order and repeats do not matter.
    private static func normalized(_ filter: LifecycleTagFilter) -> LifecycleTagFilter {
        switch filter {
        case .prefixes(let entries): .prefixes(Set(entries).sorted())
        case .patterns(let entries): .patterns(Set(entries).sorted())
        }
    }
}
