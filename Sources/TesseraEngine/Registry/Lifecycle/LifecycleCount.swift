import Foundation

/// How a lifecycle rule decides which of its selected images to mark (`countType`, `countUnit`,
/// `countNumber`). Ages are whole days (`"countUnit": "days"`, the only unit) and an image is marked
/// when it is strictly older than that many days.
/// Sources: "Lifecycle policy properties in Amazon ECR" (section "Count type") and "Automate the
/// cleanup of images by using lifecycle policies in Amazon ECR" (section "Lifecycle policy
/// evaluation rules"), https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
public enum LifecycleCount: Sendable, Equatable {
    /// Keeps the `n` most recently pushed selected images and marks the rest.
    case imageCountMoreThan(Int)
    /// Marks selected images pushed more than `days` days ago.
    case sinceImagePushed(days: Int)
    /// Marks selected images last pulled more than `days` days ago (never pulled: pushed; restored
    /// from archive and not pulled since: restored). Only a `transition` rule may use it.
    case sinceImagePulled(days: Int)
    /// Marks archived images archived more than `days` days ago. Only an `expire` rule selecting the
    /// `archive` class may use it, with at least 90 days (the archive's minimum storage duration).
    case sinceImageTransitioned(days: Int)

    /// The `countType` value that spells this count.
    public var countType: String {
        switch self {
        case .imageCountMoreThan: "imageCountMoreThan"
        case .sinceImagePushed: "sinceImagePushed"
        case .sinceImagePulled: "sinceImagePulled"
        case .sinceImageTransitioned: "sinceImageTransitioned"
        }
    }

    /// The `countNumber` value: an image count or a number of days.
    public var countNumber: Int {
        switch self {
        case .imageCountMoreThan(let number), .sinceImagePushed(let number),
             .sinceImagePulled(let number), .sinceImageTransitioned(let number):
            number
        }
    }
}
