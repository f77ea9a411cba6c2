import Foundation
import Logging
import Testing
import TesseraCore
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// The SQL store writes a block row only while its snapshot is pending, in one statement; these check the
/// answers of the other cases, which the engine's own status check before the body normally hides (they
/// are what a block racing CompleteSnapshot gets).
struct SnapshotBlockWriteTests {
    static func pending(_ id: String) -> SnapshotRecord {
        SnapshotRecord(id: id, accountID: "111111111111", region: "us-east-1", volumeSize: 1, parentID: nil, lineageRoot: id,
                       description: nil, tagsJSON: nil, clientToken: nil, requestFingerprint: "f", encrypted: false,
                       kmsKeyARN: nil, timeoutMinutes: 60, startTime: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func withStore(_ body: (SQLMetadataStore) async throws -> Void) async throws {
        try await TestData.withTemporaryDirectory { directory in
            let store = try await SQLMetadataStore.sqlite(path: directory + "/metadata.sqlite", logger: Logger(label: "test"))
            do {
                try await body(store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    @Test func pendingSnapshotTakesAndOverwritesBlocks() async throws {
        try await Self.withStore { store in
            try await store.insertSnapshot(Self.pending("snap-a"))
            let first = SHA256Value.of([1]), second = SHA256Value.of([2])
            try await store.putSnapshotBlock(snapshotID: "snap-a", block: SnapshotBlock(index: 3, blob: first))
            try await store.putSnapshotBlock(snapshotID: "snap-a", block: SnapshotBlock(index: 3, blob: second))
            try await store.putSnapshotBlock(snapshotID: "snap-a", block: SnapshotBlock(index: 0, blob: first))
            let blocks = try await store.ownBlocks(snapshotID: "snap-a", fromIndex: 0, limit: 10)
            #expect(blocks == [SnapshotBlock(index: 0, blob: first), SnapshotBlock(index: 3, blob: second)])
        }
    }

    @Test func completedSnapshotRefusesABlockAndKeepsItsOwn() async throws {
        try await Self.withStore { store in
            try await store.insertSnapshot(Self.pending("snap-b"))
            let kept = SHA256Value.of([1])
            try await store.putSnapshotBlock(snapshotID: "snap-b", block: SnapshotBlock(index: 0, blob: kept))
            _ = try await store.finishSnapshot(id: "snap-b", status: .completed, message: nil)
            await #expect(throws: StorageError.conflict("snapshot snap-b is completed")) {
                try await store.putSnapshotBlock(snapshotID: "snap-b", block: SnapshotBlock(index: 0, blob: SHA256Value.of([9])))
            }
            await #expect(throws: StorageError.conflict("snapshot snap-b is completed")) {
                try await store.putSnapshotBlock(snapshotID: "snap-b", block: SnapshotBlock(index: 1, blob: SHA256Value.of([9])))
            }
            #expect(try await store.ownBlocks(snapshotID: "snap-b", fromIndex: 0, limit: 10) == [SnapshotBlock(index: 0, blob: kept)])
        }
    }

    @Test func unknownSnapshotIsNotFound() async throws {
        try await Self.withStore { store in
            await #expect(throws: StorageError.notFound("snapshot snap-none")) {
                try await store.putSnapshotBlock(snapshotID: "snap-none", block: SnapshotBlock(index: 0, blob: SHA256Value.of([1])))
            }
        }
    }
}
