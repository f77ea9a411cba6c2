import Foundation

/// "If an image is referenced by a manifest list, it cannot be expired or archived without the
/// manifest list being deleted or archived first." An image keeps its planned action only when
/// every manifest list still in the repository that references it is itself being expired (or,
/// when the image is only archived, expired or archived) by the same evaluation; otherwise it is
/// left alone until a later run.
/// Source: "Automate the cleanup of images by using lifecycle policies in Amazon ECR", section
/// "Lifecycle policy evaluation rules",
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
enum LifecycleManifestListGuard {
    /// `planned` (digest → rule acting on it) without the images their manifest lists still hold.
    static func allowed(_ planned: [String: LifecycleRule], images: [LifecycleImage]) -> [String: LifecycleRule] {
        let present = Set(images.map(\.digest))
        var allowed = planned
        var changed = true
        while changed {
            changed = false
            for image in images {
                guard let rule = allowed[image.digest] else { continue }
                let heldBack = image.manifestListDigests.contains { list in
                    guard present.contains(list), list != image.digest else { return false }
                    switch (rule.action, allowed[list]?.action) {
                    case (_, .expire?), (.transition, .transition?): return false
                    default: return true
                    }
                }
                if heldBack {
                    allowed[image.digest] = nil
                    changed = true
                }
            }
        }
        return allowed
    }
}
