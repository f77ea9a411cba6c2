import Foundation
import TesseraCore

/// When each blob was last written, kept in the metadata database so that every node of a cluster sees the
/// same facts: the object store behind ``BlobStore`` cannot be touched on a repeat commit the way a local file
/// can, and no node may lean on a lock of its own. The ledger orders a commit that finds its blob already
/// stored against a sweep deleting it:
///
/// - a commit first records its write (``recordWrite(of:at:takingOverClaimsBefore:)``), then checks for and
///   uploads the bytes;
/// - a sweep first claims the blob (``claimDeletion(of:unwrittenSince:at:takingOverClaimsBefore:)``), which
///   fails if the blob was written since the cutoff, then deletes the bytes, then ends the claim
///   (``finishDeletion(of:claimedAt:)``);
/// - while a claim stands, recording a write fails, and the commit waits for the claim to end instead of
///   trusting bytes that are about to go.
///
/// Each of these is one conditional statement, so the order holds on any number of nodes. A claim whose
/// sweeper died is taken over once it is older than the staleness bound the callers pass.
public protocol BlobWriteLedger: Sendable {
    /// Records that `digest` is being written at `now`. Returns false, recording nothing, while a sweep's
    /// claim made at or after `staleBefore` stands; an older claim is dropped and the write recorded.
    func recordWrite(of digest: SHA256Value, at now: Date, takingOverClaimsBefore staleBefore: Date) async throws -> Bool

    /// Claims `digest` for deletion when its last recorded write is before `cutoff` (or none is recorded) and no
    /// claim made at or after `staleBefore` stands. Returns whether the claim was made; it is identified by `now`.
    func claimDeletion(of digest: SHA256Value, unwrittenSince cutoff: Date, at now: Date,
                       takingOverClaimsBefore staleBefore: Date) async throws -> Bool

    /// Ends the claim made at `claimedAt` once the bytes are gone, forgetting the blob. A claim taken over
    /// meanwhile is left alone.
    func finishDeletion(of digest: SHA256Value, claimedAt: Date) async throws

    /// The last recorded write of each of `digests` that has one.
    func lastWrites(of digests: [SHA256Value]) async throws -> [SHA256Value: Date]

    /// Blobs whose deletion claim was made before `before` and never finished (their sweeper stopped).
    func abandonedDeletions(claimedBefore before: Date, limit: Int) async throws -> [SHA256Value]

    /// Records that the process `instance` (one run of a node) is alive at `now`, so that no other node's sweep
    /// removes the staging of its uploads in progress.
    func markAlive(instance: String, at now: Date) async throws

    /// The instances seen alive at or after `since`.
    func instancesAlive(since: Date) async throws -> Set<String>

    /// Forgets instances last seen before `before` (each run of a node has its own).
    func forgetInstances(seenBefore before: Date) async throws
}
