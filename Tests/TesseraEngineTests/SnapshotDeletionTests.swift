import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraTestSupport

/// EC2 DeleteSnapshot and what garbage collection then frees: a parent's blocks stay while a child reads them.
struct SnapshotDeletionTests {
    static let size = SnapshotFixture.block

    static func sweep(_ ebs: SnapshotFixture) async throws -> Int {
        try await GarbageCollector(blobs: ebs.blobs, references: ebs.metadata, clock: EngineClock { ebs.clock.now }, grace: -1e9)
            .sweep().deleted
    }

    func delete(_ ebs: SnapshotFixture, _ id: String) async throws {
        try await ebs.service.deleteSnapshot(accountID: SnapshotFixture.account, region: SnapshotFixture.region, snapshotID: id)
    }

    @Test func aDeletedParentsBlocksStayWhileItsChildReadsThem() async throws {
        try await withSnapshots { ebs in
            let parentBlock = TestData.bytes(count: Self.size, seed: 401), childBlock = TestData.bytes(count: Self.size, seed: 402)
            let parent = try await ebs.start()
            try await ebs.put(parent, 0, parentBlock)
            _ = try await ebs.complete(parent, count: 1)
            let child = try await ebs.start(parent: parent)
            try await ebs.put(child, 1, childBlock)
            _ = try await ebs.complete(child, count: 1)

            try await delete(ebs, parent)
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(parent)' does not exist.")) { _ = try await ebs.list(parent) }
            #expect(try await Self.sweep(ebs) == 0)
            let entries = try await ebs.list(child)
            #expect(entries.map(\.index) == [0, 1])
            #expect(try await ebs.read(child, entries[0]) == parentBlock, "the child still reads the deleted parent's block")

            try await delete(ebs, child)
            #expect(try await Self.sweep(ebs) == 2)
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(child)' does not exist.")) { try await delete(ebs, child) }
        }
    }

    @Test func describeFiltersByStatusAndTagAndRefusesUnknownIDs() async throws {
        try await withSnapshots { ebs in
            let tagged = try await ebs.service.startSnapshot(
                accountID: SnapshotFixture.account, region: SnapshotFixture.region,
                StartSnapshotParameters(volumeSize: 1, tags: [SnapshotTag(Key: "team", Value: "storage")])).id
            let plain = try await ebs.start()
            _ = try await ebs.complete(plain, count: 0)
            let describe = { (filters: [SnapshotFilter], ids: [String]) in
                try await ebs.service.describeSnapshots(accountID: SnapshotFixture.account, region: SnapshotFixture.region,
                                                        snapshotIDs: ids, owners: ["self"], filters: filters, maxResults: nil,
                                                        nextToken: nil).snapshots.map(\.id)
            }
            #expect(try await describe([SnapshotFilter(name: "status", values: ["completed"])], []) == [plain])
            #expect(try await describe([SnapshotFilter(name: "tag:team", values: ["sto*"])], []) == [tagged])
            await expectSnapshotError(.snapshotNotFound("The snapshot 'snap-00000000000000000' does not exist.")) {
                _ = try await describe([], ["snap-00000000000000000"])
            }
        }
    }
}
