import Foundation

/// Which of the images a rule looks at its count marks.
/// Source: "Automate the cleanup of images by using lifecycle policies in Amazon ECR", section
/// "Lifecycle policy evaluation rules",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
extension LifecycleSelection {
    /// The images among `included` (all looked at by this selection) that the count marks at `now`:
    /// beyond the `n` youngest for `imageCountMoreThan`, strictly older than the given days for the
    /// age counts. Marking ignores what other rules did: each rule sees the repository as it is.
    func marked(among included: [LifecycleImage], now: Date) -> [LifecycleImage] {
        switch count {
        case .imageCountMoreThan(let keep):
            return Array(included.sorted { $0.isNewer(than: $1) }.dropFirst(keep))
        case .sinceImagePushed(let days):
            let cutoff = Self.cutoff(days: days, before: now)
            return included.filter { $0.effectivePushTime < cutoff }
        case .sinceImagePulled(let days):
            let cutoff = Self.cutoff(days: days, before: now)
            return included.filter { $0.pullReferenceTime < cutoff }
        case .sinceImageTransitioned(let days):
            let cutoff = Self.cutoff(days: days, before: now)
            return included.filter { image in image.lastArchivedAt.map { $0 < cutoff } ?? false }
        }
    }

    /// The moment `days` whole days before `now`.
    private static func cutoff(days: Int, before now: Date) -> Date {
        now.addingTimeInterval(-Double(days) * 86_400)
    }
}
