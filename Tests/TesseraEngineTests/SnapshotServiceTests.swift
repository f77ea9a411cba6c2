import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraTestSupport

/// Snapshots: block maps with parents, tokens, checksums, idempotency and the states a snapshot goes through.
struct SnapshotServiceTests {
    static let size = SnapshotFixture.block
    static let a = TestData.repeated(0x61, count: size), b = TestData.repeated(0x62, count: size)
    static let c = TestData.repeated(0x63, count: size), zero = TestData.repeated(0, count: size)

    @Test func linearAggregateAgreesWithAnIndependentImplementation() {
        // Computed with Python's hashlib over the raw digests of blocks {0: b, 3: a, 7: zero, 2047: c}.
        let digests = [Self.b, Self.a, Self.zero, Self.c].map { SHA256Value.of($0) }
        #expect(EBSLinearChecksum.aggregate(digests) == "+/2MQSULzoYEHdr2FQz/S9DL4p0QbO31nKfxrOuW3Mo=")
    }

    /// A block of a text repeated and cut at 512 KiB, as in the real capture behind docs/aws/ebs.md#linear-checksum.
    static func synthetic(_ letter: String) -> [UInt8] {
        let unit = Array("stackd-ebs-synthetic-\(letter)\n".utf8)
        return (0..<size).map { unit[$0 % unit.count] }
    }

    @Test func linearAggregateMatchesWhatAWSAccepted() {
        // Blocks {0: b, 3: a, 7: zero, 2047: c}; real EBS completed a snapshot with this aggregate.
        let digests = [Self.synthetic("b"), Self.synthetic("a"), Self.zero, Self.synthetic("c")].map { SHA256Value.of($0) }
        #expect(EBSLinearChecksum.aggregate(digests) == "Pq34jf4xh07iqiQpo/morRl/xL06mqy1ERimH+Hypi8=")
    }

    @Test func writtenBlocksReadBackAndOverwritesCountOnce() async throws {
        try await withSnapshots { ebs in
            let snap = try await ebs.start()
            try await ebs.put(snap, 0, Self.b)
            try await ebs.put(snap, 3, Self.c)
            try await ebs.put(snap, 3, Self.a)
            try await ebs.put(snap, 7, Self.zero)
            try await ebs.put(snap, 2047, Self.c)
            let aggregate = EBSLinearChecksum.aggregate([Self.b, Self.a, Self.zero, Self.c].map { SHA256Value.of($0) })
            #expect(try await ebs.complete(snap, count: 4, aggregate: aggregate) == "completed")
            let entries = try await ebs.list(snap)
            #expect(entries.map(\.index) == [0, 3, 7, 2047])
            let expected: [Int64: [UInt8]] = [0: Self.b, 3: Self.a, 7: Self.zero, 2047: Self.c]
            for entry in entries { #expect(try await ebs.read(snap, entry) == expected[entry.index]) }
        }
    }

    @Test func aChildReadsItsParentsBlocksAndListsOnlyItsOwnAsChanged() async throws {
        try await withSnapshots { ebs in
            let parent = try await ebs.start()
            try await ebs.put(parent, 0, Self.a)
            try await ebs.put(parent, 1, Self.b)
            #expect(try await ebs.complete(parent, count: 2) == "completed")
            let child = try await ebs.start(parent: parent)
            try await ebs.put(child, 1, Self.c)
            try await ebs.put(child, 9, Self.zero)
            #expect(try await ebs.complete(child, count: 2) == "completed")
            let entries = try await ebs.list(child)
            #expect(entries.map(\.index) == [0, 1, 9])
            #expect(try await ebs.read(child, entries[0]) == Self.a, "inherited from the parent")
            #expect(try await ebs.read(child, entries[1]) == Self.c, "the child's own write wins")
            let changes = try await ebs.service.listChangedBlocks(
                accountID: SnapshotFixture.account, region: SnapshotFixture.region, firstSnapshotID: parent, secondSnapshotID: child,
                maxResults: nil, startingBlockIndex: nil, pageToken: nil).blocks
            #expect(changes.map(\.index) == [1, 9])
            #expect(changes.map { $0.firstToken != nil } == [true, false])
            #expect(changes.allSatisfy { $0.secondToken != nil })
        }
    }

    @Test func identicalBlocksAreStoredOnceAcrossSnapshots() async throws {
        try await withSnapshots { ebs in
            let first = try await ebs.start(), second = try await ebs.start()
            for index in 0..<8 { try await ebs.put(first, Int64(index), Self.zero) }
            for index in 100..<108 { try await ebs.put(second, Int64(index), Self.zero) }
            #expect(await ebs.blobs.blobCount == 1)
        }
    }

    @Test func aBlockWhoseChecksumDiffersIsRefusedAndNotStored() async throws {
        try await withSnapshots { ebs in
            let snap = try await ebs.start()
            let claimed = EBSLinearChecksum.base64(SHA256Value.of(Self.b))
            await expectSnapshotError(.checksumMismatch(computed: EBSLinearChecksum.base64(SHA256Value.of(Self.a)), expected: claimed)) {
                try await ebs.put(snap, 0, Self.a, checksum: claimed)
            }
            #expect(await ebs.blobs.blobCount == 0)
            #expect(try await ebs.complete(snap, count: 0) == "completed")
            #expect(try await ebs.list(snap).isEmpty)
        }
    }

    @Test func tokensAreBoundToTheirBlockAndExpire() async throws {
        try await withSnapshots { ebs in
            let snap = try await ebs.start()
            try await ebs.put(snap, 0, Self.a)
            try await ebs.put(snap, 1, Self.b)
            _ = try await ebs.complete(snap, count: 2)
            let entries = try await ebs.list(snap)
            let swapped = SnapshotBlockPage.Entry(index: 0, token: entries[1].token)
            await expectSnapshotError(.validation(.invalidBlockToken, "The block token \(entries[1].token) is invalid.")) {
                _ = try await ebs.read(snap, swapped)
            }
            ebs.clock.advance(by: BlockTokens.lifetime + 1)
            await expectSnapshotError(.validation(.invalidBlockToken, "The block token \(entries[0].token) is invalid.")) {
                _ = try await ebs.read(snap, entries[0])
            }
        }
    }

    @Test func aRepeatedClientTokenAnswersTheOriginalAndOtherParametersConflict() async throws {
        try await withSnapshots { ebs in
            let first = try await ebs.start(token: "token-1")
            _ = try await ebs.complete(first, count: 0)
            let again = try await ebs.service.startSnapshot(accountID: SnapshotFixture.account, region: SnapshotFixture.region,
                                                            StartSnapshotParameters(volumeSize: 1, clientToken: "token-1"))
            #expect(again.id == first)
            #expect(again.status == .pending, "the original response, even after completion")
            await expectSnapshotError(.conflict("Current request does not match request stored with this token.")) {
                _ = try await ebs.start(volumeSize: 2, token: "token-1")
            }
        }
    }

    @Test func aWrongCountOrAggregateLeavesTheSnapshotInError() async throws {
        try await withSnapshots { ebs in
            let counted = try await ebs.start()
            try await ebs.put(counted, 0, Self.a)
            #expect(try await ebs.complete(counted, count: 2) == "error")
            #expect(try await ebs.complete(counted, count: 1) == "error", "an errored snapshot stays errored")
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(counted)' does not exist.")) { _ = try await ebs.start(parent: counted) }
            let summed = try await ebs.start()
            try await ebs.put(summed, 0, Self.a)
            #expect(try await ebs.complete(summed, count: 1, aggregate: EBSLinearChecksum.aggregate([SHA256Value.of(Self.b)])) == "error")
        }
    }

    @Test func aPendingParentIsNotCompleteAndATimedOutSnapshotErrors() async throws {
        try await withSnapshots { ebs in
            let parent = try await ebs.start()
            await expectSnapshotError(.validation(.invalidSnapshotID, "Source snapshot (\(parent)) is not complete.")) {
                _ = try await ebs.start(parent: parent)
            }
            ebs.clock.advance(by: 61 * 60)
            await expectSnapshotError(.snapshotNotFound("The snapshot '\(parent)' does not exist.")) {
                _ = try await ebs.list(parent)
            }
            #expect(try await ebs.complete(parent, count: 0) == "error")
        }
    }

    @Test func blocksOutsideTheVolumeOrOfTheWrongLengthAreRefused() async throws {
        try await withSnapshots { ebs in
            let snap = try await ebs.start()
            await expectSnapshotError(.validation(.invalidBlock, "Block index 2048 is beyond the volume size extent")) {
                try await ebs.put(snap, 2048, Self.a)
            }
            await expectSnapshotError(.validation(.invalidBlock, "Block data length 3 is not valid, expected 524288")) {
                try await ebs.put(snap, 0, [1, 2, 3])
            }
            #expect(await ebs.blobs.pendingStagingCount == 0)
        }
    }
}
