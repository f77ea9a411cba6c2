import Foundation
import Testing
import TesseraCore
@testable import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// The snapshot records the block calls reuse: this node's changes are seen at once, and a change made
/// behind the cache's back (another node sharing the database) cannot let a block into a finished or deleted
/// snapshot.
struct SnapshotRecordCacheTests {
    static let size = SnapshotFixture.block

    @Test func aBlockWrittenAfterAnotherNodeCompletedTheSnapshotIsRefused() async throws {
        try await withSnapshots { ebs in
            let snapshot = try await ebs.start()
            try await ebs.put(snapshot, 0, TestData.bytes(count: Self.size, seed: 501))
            // Another node completes it: the database changes, this node's cache is not told.
            _ = try await ebs.metadata.finishSnapshot(id: snapshot, status: .completed, message: nil)
            await expectSnapshotError(.validation(.invalidSnapshotID, "Snapshot is already completed")) {
                try await ebs.put(snapshot, 1, TestData.bytes(count: Self.size, seed: 502))
            }
            #expect(try await ebs.metadata.ownBlocks(snapshotID: snapshot, fromIndex: 0, limit: 10).map(\.index) == [0])
        }
    }

    @Test func aBlockWrittenAfterAnotherNodeDeletedTheSnapshotIsNotFound() async throws {
        try await withSnapshots { ebs in
            let snapshot = try await ebs.start()
            try await ebs.put(snapshot, 0, TestData.bytes(count: Self.size, seed: 503))
            _ = try await ebs.metadata.deleteSnapshot(id: snapshot, at: ebs.clock.now)
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(snapshot)' does not exist.")) {
                try await ebs.put(snapshot, 1, TestData.bytes(count: Self.size, seed: 504))
            }
            #expect(try await ebs.metadata.ownBlocks(snapshotID: snapshot, fromIndex: 0, limit: 10).map(\.index) == [0])
        }
    }

    @Test func thisNodesCompletionAndDeletionAreSeenAtOnce() async throws {
        try await withSnapshots { ebs in
            let snapshot = try await ebs.start()
            try await ebs.put(snapshot, 0, TestData.bytes(count: Self.size, seed: 505))
            #expect(try await ebs.complete(snapshot, count: 1) == "completed")
            await expectSnapshotError(.validation(.invalidSnapshotID, "Snapshot is already completed")) {
                try await ebs.put(snapshot, 1, TestData.bytes(count: Self.size, seed: 506))
            }
            #expect(try await ebs.list(snapshot).map(\.index) == [0], "the completed record is cached now")
            try await ebs.service.deleteSnapshot(accountID: SnapshotFixture.account, region: SnapshotFixture.region, snapshotID: snapshot)
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(snapshot)' does not exist.")) { _ = try await ebs.list(snapshot) }
        }
    }

    @Test func aTimeoutIsAppliedToACachedRecord() async throws {
        try await withSnapshots { ebs in
            let snapshot = try await ebs.start()
            try await ebs.put(snapshot, 0, TestData.bytes(count: Self.size, seed: 507))
            ebs.clock.advance(by: 61 * 60)
            await expectSnapshotError(.validation(.invalidSnapshotID, "Snapshot is already completed")) {
                try await ebs.put(snapshot, 1, TestData.bytes(count: Self.size, seed: 508))
            }
            #expect(try await ebs.metadata.snapshot(id: snapshot)?.status == .error)
        }
    }

    @Test func aReadThatBeganBeforeAChangeIsNotKept() throws {
        let cache = SnapshotRecordCache()
        let record = Self.record(status: .pending)
        let generation = cache.beginRead()
        cache.forget(record.id)
        cache.store(record, readSince: generation)
        #expect(cache.record(record.id) == nil, "the record read may predate the change")
        cache.store(record, readSince: cache.beginRead())
        #expect(cache.record(record.id)?.status == .pending)
        cache.forget(record.id)
        #expect(cache.record(record.id) == nil)
    }

    @Test func aFullCacheMakesRoom() throws {
        let cache = SnapshotRecordCache()
        for n in 0...SnapshotRecordCache.capacity {
            var record = Self.record(status: .completed)
            record.id = "snap-\(n)"
            cache.store(record, readSince: cache.beginRead())
        }
        #expect(cache.record("snap-\(SnapshotRecordCache.capacity)") != nil, "the newest record is kept")
        #expect(cache.record("snap-0") == nil, "none had expired, so the rest were dropped")
    }

    static func record(status: SnapshotRecord.Status) -> SnapshotRecord {
        SnapshotRecord(id: "snap-0123456789abcdef0", accountID: SnapshotFixture.account, region: SnapshotFixture.region,
                       volumeSize: 1, parentID: nil, lineageRoot: "snap-0123456789abcdef0", description: nil, tagsJSON: nil,
                       clientToken: nil, requestFingerprint: "", encrypted: false, kmsKeyARN: nil, timeoutMinutes: 60,
                       startTime: Date(timeIntervalSince1970: 0), status: status, statusMessage: nil, deletedAt: nil)
    }
}
