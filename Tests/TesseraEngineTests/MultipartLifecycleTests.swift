import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// A multipart upload from initiation to a readable archive.
struct MultipartLifecycleTests {
    static let mib = EngineFixture.mib
    /// Two whole 1 MiB parts and a ragged third.
    static let archive = TestData.bytes(count: 2 * mib + 12_345, seed: 61)

    static func part(_ index: Int) -> [UInt8] {
        Array(archive[(index * mib)..<min((index + 1) * mib, archive.count)])
    }

    @Test func partsUploadedOutOfOrderCompleteIntoTheWholeArchive() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            for index in [2, 0, 1] {
                let hash = try await engine.uploadPart(uploadID, first: index * Self.mib, Self.part(index))
                #expect(hash == TreeHash.of(Self.part(index)), "part \(index) answers with its tree hash")
            }
            #expect(try await engine.partFirstBytes(uploadID) == [0, Int64(Self.mib), Int64(2 * Self.mib)])

            let created = try await engine.complete(uploadID, size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
            #expect(created.treeHash == TreeHash.of(Self.archive))
            let stored = try await engine.metadata.archive(accountID: engine.account, vaultName: engine.vault, id: created.archiveID)
            #expect(stored?.size == Int64(Self.archive.count))
            #expect(stored?.treeHash == TreeHash.of(Self.archive))
            #expect(stored?.description == "multipart")
            #expect(stored?.segments.map(\.length) == [Int64(Self.mib), Int64(Self.mib), 12_345])

            let job = try await engine.retrieve(created.archiveID)
            expectSameBytes(try await engine.output(job.id).bytes, Self.archive, "the archive reads back byte for byte")
        }
    }

    @Test func repeatedCompleteAnswersWithTheSameArchive() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            for index in 0..<3 { try await engine.uploadPart(uploadID, first: index * Self.mib, Self.part(index)) }
            let first = try await engine.complete(uploadID, size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
            let second = try await engine.complete(uploadID, size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
            #expect(second == first)
            #expect(try await engine.service.describeVault(accountID: engine.account, name: engine.vault).archiveCount == 1)
            await expectEngineError(.uploadNotFound(id: uploadID)) {
                _ = try await engine.service.listParts(accountID: engine.account, vault: engine.vault, uploadID: uploadID,
                                                       marker: nil, limit: nil)
            }
        }
    }

    @Test func repeatedCompleteWithOtherValuesIsRefusedAndKeepsTheStoredTreeHash() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            for index in 0..<3 { try await engine.uploadPart(uploadID, first: index * Self.mib, Self.part(index)) }
            let first = try await engine.complete(uploadID, size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.complete(uploadID, size: 5, treeHash: TreeHash.of([1, 2, 3]))
            }
            #expect(first.treeHash == TreeHash.of(Self.archive))
        }
    }

    @Test func unknownMarkerIsRefused() async throws {
        try await withEngine { engine in
            _ = try await engine.initiateUpload()
            await expectEngineError(.invalidParameter("Invalid marker: no-such-upload")) {
                _ = try await engine.service.listMultipartUploads(accountID: engine.account, vault: engine.vault,
                                                                  marker: "no-such-upload", limit: nil)
            }
        }
    }

    @Test func resendingAPartReplacesIt() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            let wrong = TestData.bytes(count: Self.mib, seed: 62)
            try await engine.uploadPart(uploadID, first: 0, wrong)
            for index in 0..<3 { try await engine.uploadPart(uploadID, first: index * Self.mib, Self.part(index)) }
            #expect(try await engine.partFirstBytes(uploadID).count == 3)
            let created = try await engine.complete(uploadID, size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
            let job = try await engine.retrieve(created.archiveID)
            expectSameBytes(try await engine.output(job.id).bytes, Self.archive)
        }
    }

    @Test func singlePartUploadSmallerThanThePartSizeCompletes() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload(partSize: 4 * Self.mib)
            let bytes = TestData.bytes(count: 1000, seed: 63)
            try await engine.uploadPart(uploadID, first: 0, bytes)
            let created = try await engine.complete(uploadID, size: bytes.count, treeHash: TreeHash.of(bytes))
            #expect(created.treeHash == SHA256Value.of(bytes), "under 1 MiB the tree hash is the SHA-256")
        }
    }

    @Test func abortedUploadRefusesParts() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, Self.part(0))
            try await engine.service.abortMultipartUpload(accountID: engine.account, vault: engine.vault, uploadID: uploadID)
            try await engine.service.abortMultipartUpload(accountID: engine.account, vault: engine.vault, uploadID: uploadID)
            await expectEngineError(.uploadNotFound(id: uploadID)) {
                try await engine.uploadPart(uploadID, first: Self.mib, Self.part(1))
            }
            await expectEngineError(.uploadNotFound(id: uploadID)) {
                _ = try await engine.complete(uploadID, size: Self.mib, treeHash: TreeHash.of(Self.part(0)))
            }
            let open = try await engine.service.listMultipartUploads(accountID: engine.account, vault: engine.vault, marker: nil, limit: nil)
            #expect(open.uploads.isEmpty)
        }
    }

    @Test func unknownUploadIsNotFound() async throws {
        try await withEngine { engine in
            await expectEngineError(.uploadNotFound(id: "no-such-upload")) {
                try await engine.uploadPart("no-such-upload", first: 0, [1, 2, 3])
            }
        }
    }
}
