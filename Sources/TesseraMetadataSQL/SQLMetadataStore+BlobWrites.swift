import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: BlobWriteLedger {
    public func recordWrite(of digest: SHA256Value, at now: Date, takingOverClaimsBefore staleBefore: Date) async throws -> Bool {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO blob_writes (digest, written_at) VALUES (\(bind: digest.hex), \(bind: now.millis))
                ON CONFLICT (digest) DO UPDATE SET written_at = excluded.written_at, deleting_since = NULL
                WHERE blob_writes.deleting_since IS NULL OR blob_writes.deleting_since < \(bind: staleBefore.millis)
                RETURNING digest
                """).first() != nil
        }
    }

    public func claimDeletion(of digest: SHA256Value, unwrittenSince cutoff: Date, at now: Date,
                              takingOverClaimsBefore staleBefore: Date) async throws -> Bool {
        try await sessions.transaction { db in
            // A blob never recorded (written before the ledger, or by a commit that died before its record)
            // gets a row that is claimed at once; a commit racing this waits on the row either way.
            try await db.raw("""
                INSERT INTO blob_writes (digest, written_at, deleting_since) VALUES (\(bind: digest.hex), 0, \(bind: now.millis))
                ON CONFLICT (digest) DO UPDATE SET deleting_since = excluded.deleting_since
                WHERE blob_writes.written_at < \(bind: cutoff.millis)
                AND (blob_writes.deleting_since IS NULL OR blob_writes.deleting_since < \(bind: staleBefore.millis))
                RETURNING digest
                """).first() != nil
        }
    }

    public func finishDeletion(of digest: SHA256Value, claimedAt: Date) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                DELETE FROM blob_writes WHERE digest = \(bind: digest.hex) AND deleting_since = \(bind: claimedAt.millis)
                """).run()
        }
    }

    public func lastWrites(of digests: [SHA256Value]) async throws -> [SHA256Value: Date] {
        guard !digests.isEmpty else { return [:] }
        return try await sessions.read { db in
            var found: [SHA256Value: Date] = [:]
            // In slices, to stay under SQLite's bound-parameter limit.
            for start in stride(from: 0, to: digests.count, by: 500) {
                let slice = digests[start..<min(start + 500, digests.count)].map(\.hex)
                let rows = try await db.select().column("digest").column("written_at").from("blob_writes")
                    .where("digest", .in, slice).all()
                for row in rows {
                    let digest = try decodeDigest(row, "digest")
                    found[digest] = Date(millis: try row.decode(column: "written_at", as: Int64.self))
                }
            }
            return found
        }
    }

    public func abandonedDeletions(claimedBefore before: Date, limit: Int) async throws -> [SHA256Value] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT digest FROM blob_writes WHERE deleting_since < \(bind: before.millis) ORDER BY digest LIMIT \(bind: limit)
                """).all().map { try decodeDigest($0, "digest") }
        }
    }

    public func markAlive(instance: String, at now: Date) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO blob_staging_instances (instance, seen_at) VALUES (\(bind: instance), \(bind: now.millis))
                ON CONFLICT (instance) DO UPDATE SET seen_at = excluded.seen_at
                """).run()
        }
    }

    public func instancesAlive(since: Date) async throws -> Set<String> {
        try await sessions.read { db in
            Set(try await db.raw("""
                SELECT instance FROM blob_staging_instances WHERE seen_at >= \(bind: since.millis)
                """).all().map { try $0.decode(column: "instance", as: String.self) })
        }
    }

    public func forgetInstances(seenBefore before: Date) async throws {
        try await sessions.transaction { db in
            try await db.raw("DELETE FROM blob_staging_instances WHERE seen_at < \(bind: before.millis)").run()
        }
    }
}
