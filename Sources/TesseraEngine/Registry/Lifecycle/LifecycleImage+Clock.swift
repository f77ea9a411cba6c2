import Foundation

/// The moments lifecycle rules measure an image by.
/// Source: "Automate the cleanup of images by using lifecycle policies in Amazon ECR", section
/// "Lifecycle policy evaluation rules",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
extension LifecycleImage {
    /// The push time rules order and age images by: `pushedAt`, or, for an image archived and then
    /// restored, the restore time ("the image's last_activated_at is used instead of pushed_at_time").
    var effectivePushTime: Date {
        lastActivatedAt ?? pushedAt
    }

    /// The time `sinceImagePulled` measures from: the last pull; if never pulled, the push; if
    /// restored from the archive and not pulled since, the restore.
    var pullReferenceTime: Date {
        if let restored = lastActivatedAt, lastPulledAt.map({ $0 < restored }) ?? true {
            return restored
        }
        return lastPulledAt ?? pushedAt
    }

    /// Whether `self` was pushed after `other` (by effective push time, then digest for a stable order).
    func isNewer(than other: LifecycleImage) -> Bool {
        effectivePushTime != other.effectivePushTime
            ? effectivePushTime > other.effectivePushTime
            : digest > other.digest
    }
}
