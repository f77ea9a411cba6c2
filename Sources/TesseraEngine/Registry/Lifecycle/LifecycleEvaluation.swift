import Foundation

/// Applies a lifecycle policy to a repository's images, as Amazon ECR's lifecycle policy evaluator
/// does ("Automate the cleanup of images by using lifecycle policies in Amazon ECR", section
/// "Lifecycle policy evaluation rules",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html):
///
/// - Every rule marks images as if no other rule existed; rules are then applied lowest
///   `rulePriority` first.
/// - An image is expired or archived by exactly one rule or by none.
/// - An image a rule looks at (its storage class and tags match the rule's selection) cannot be
///   acted on by any later rule, even when that rule did not mark it.
/// - An image referenced by a manifest list still in the repository is left alone (see
///   `LifecycleManifestListGuard`).
public enum LifecycleEvaluation {
    /// The actions `policy` takes on `images` (the repository's images, one per digest) at `now`,
    /// ordered by rule priority, then oldest first ("always expires older images before newer
    /// ones"), then by digest.
    public static func evaluate(_ policy: LifecyclePolicy, images: [LifecycleImage], now: Date) -> [LifecycleAction] {
        var seen = Set<String>()
        var planned: [String: LifecycleRule] = [:]
        for rule in policy.rules {
            let included = images.filter { rule.selection.includes($0) }
            for image in rule.selection.marked(among: included, now: now) where !seen.contains(image.digest) {
                planned[image.digest] = rule
            }
            seen.formUnion(included.map(\.digest))
        }
        let allowed = LifecycleManifestListGuard.allowed(planned, images: images)
        return images
            .compactMap { image in allowed[image.digest].map { (image, $0) } }
            .sorted { first, second in
                first.1.rulePriority != second.1.rulePriority
                    ? first.1.rulePriority < second.1.rulePriority
                    : second.0.isNewer(than: first.0)
            }
            .map { LifecycleAction(image: $0.0, rule: $0.1) }
    }
}
