import Foundation
import Logging
import TesseraCore
import TesseraStorage

/// Removes blobs no record names any more: parts of aborted uploads, archives deleted (once no recent
/// job reads them), bytes a crash left committed but never recorded.
///
/// Safe beside uploads in flight because ingest commits a blob (which marks it written) *before* the
/// record naming it, and a sweep only deletes blobs unwritten since `now - grace`, atomically with
/// respect to commits (see ``sweep(grace:)``). The grace period must exceed the longest gap between a blob's commit and its
/// record's transaction (milliseconds in practice).
public struct GarbageCollector: Sendable {
    let blobs: any BlobStore
    let references: any BlobReferences
    let clock: EngineClock
    let grace: TimeInterval
    let jobRetention: TimeInterval
    /// Stored blobs listed and checked together.
    let pageSize: Int

    public init(blobs: any BlobStore, references: any BlobReferences, clock: EngineClock = .system,
                grace: TimeInterval = 3600, jobRetention: TimeInterval = GlacierService.jobRetention, pageSize: Int = 1000) {
        self.pageSize = max(pageSize, 1)
        self.blobs = blobs
        self.references = references
        self.clock = clock
        self.grace = grace
        self.jobRetention = jobRetention
    }

    /// What one sweep did.
    public struct Sweep: Sendable, Equatable {
        /// Blobs stored when the sweep listed them.
        public var examined = 0
        /// Blobs it removed, and their bytes.
        public var deleted = 0
        public var deletedBytes: Int64 = 0
        /// Blobs and bytes left in the store after it (as listed: a blob committed meanwhile is not counted).
        public var keptBlobs = 0
        public var keptBytes: Int64 = 0

        public init(examined: Int = 0, deleted: Int = 0, deletedBytes: Int64 = 0, keptBlobs: Int = 0, keptBytes: Int64 = 0) {
            self.examined = examined
            self.deleted = deleted
            self.deletedBytes = deletedBytes
            self.keptBlobs = keptBlobs
            self.keptBytes = keptBytes
        }
    }

    /// The grace of a sweep run on demand (unless the configured one is shorter): far longer than any
    /// commit-to-record gap, since a request's blob commit and its metadata transaction run back to back and
    /// the database gives up waiting for its lock after 10 s.
    public static let onDemandGrace: TimeInterval = 60

    /// Runs one sweep, a page of stored blobs at a time: each page is listed, then checked against the
    /// records in one query, so the sweep's memory stays one page whatever the size of the store.
    ///
    /// Reading references page by page (after `now` was fixed) loses nothing: a record can only start naming
    /// a blob after a commit of it or while another record names it, so a blob named by a record the query
    /// missed (made after the query) was committed less than the grace before — after the cutoff — and the
    /// delete, atomic with commits, spares it.
    /// - Parameter grace: instead of the collector's own grace (a sweep run on demand).
    public func sweep(grace override: TimeInterval? = nil) async throws -> Sweep {
        let now = clock.now
        let cutoff = now.addingTimeInterval(-(override ?? grace))
        try await storage { try await blobs.removeAbandoned(before: cutoff) }
        var result = Sweep()
        var after: SHA256Value?
        while true {
            let stored = try await storage { try await blobs.listBlobs(after: after, limit: pageSize) }
            guard let last = stored.last else { return result }
            after = last.digest
            let referenced = try await storage {
                try await references.referencedBlobs(among: stored.map(\.digest), now: now, jobRetention: jobRetention)
            }
            let candidates = stored.filter { !referenced.contains($0.digest) && $0.lastWritten < cutoff }.map(\.digest)
            let removed = candidates.isEmpty ? []
                : try await storage { try await blobs.delete(candidates, ifUnwrittenSince: cutoff) }
            for blob in stored {
                result.examined += 1
                if removed.contains(blob.digest) {
                    result.deleted += 1
                    result.deletedBytes += blob.size
                } else {
                    result.keptBlobs += 1
                    result.keptBytes += blob.size
                }
            }
        }
    }
}
