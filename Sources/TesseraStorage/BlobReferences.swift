import Foundation
import TesseraCore

/// Which blobs the metadata still names, for garbage collection. Every service's records contribute:
/// a blob outside this set is garbage once it is older than the collector's grace period.
public protocol BlobReferences: Sendable {
    /// Every blob named by live records as of `now`: live archives' segments, open uploads' parts, snapshots' blocks,
    /// the parts of registry layers linked to a repository and of layer uploads in progress, and
    /// what jobs completed within the last `jobRetention` read (inventory outputs, the segments of
    /// archives deleted after the job started).
    func referencedBlobs(now: Date, jobRetention: TimeInterval) async throws -> Set<SHA256Value>
}
