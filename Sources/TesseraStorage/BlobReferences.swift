import Foundation
import TesseraCore

/// Which blobs the metadata still names, for garbage collection. Every service's records contribute:
/// a blob no record names is garbage once it is older than the collector's grace period.
public protocol BlobReferences: Sendable {
    /// Those of `digests` that live records name as of `now`: live archives' segments, open uploads' parts,
    /// snapshots' blocks, the parts of registry layers linked to a repository and of layer uploads in progress,
    /// and what jobs completed within the last `jobRetention` read (inventory outputs, the segments of
    /// archives deleted after the job started). Asked one page of stored blobs at a time (up to 1,000
    /// digests), so that neither side of a sweep is ever held whole.
    func referencedBlobs(among digests: [SHA256Value], now: Date, jobRetention: TimeInterval) async throws -> Set<SHA256Value>
}
