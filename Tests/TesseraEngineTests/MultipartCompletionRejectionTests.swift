import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Completions the engine must refuse, leaving the upload open so the client can fix it.
struct MultipartCompletionRejectionTests {
    static let mib = EngineFixture.mib
    static let archive = TestData.bytes(count: 3 * mib + 500, seed: 81)

    static func part(_ index: Int) -> [UInt8] {
        Array(archive[(index * mib)..<min((index + 1) * mib, archive.count)])
    }

    /// Refuses the completion, then shows the upload still open by completing it properly.
    static func expectRefusedThenStillOpen(parts: [Int], size: Int, treeHash: SHA256Value) async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            for index in parts { try await engine.uploadPart(uploadID, first: index * mib, part(index)) }
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.complete(uploadID, size: size, treeHash: treeHash)
            }
            #expect(try await engine.partFirstBytes(uploadID) == parts.sorted().map { Int64($0 * mib) }, "the parts are still there")
            #expect(try await engine.service.describeVault(accountID: engine.account, name: engine.vault).archiveCount == 0)
            for index in 0..<4 where !parts.contains(index) { try await engine.uploadPart(uploadID, first: index * mib, part(index)) }
            let created = try await engine.complete(uploadID, size: archive.count, treeHash: TreeHash.of(archive))
            #expect(created.treeHash == TreeHash.of(archive))
        }
    }

    @Test func completeWithAGapIsRefused() async throws {
        try await Self.expectRefusedThenStillOpen(parts: [0, 1, 3], size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
    }

    @Test func completeWithoutTheFirstPartIsRefused() async throws {
        try await Self.expectRefusedThenStillOpen(parts: [1, 2, 3], size: Self.archive.count, treeHash: TreeHash.of(Self.archive))
    }

    @Test func completeWithWrongSizeIsRefused() async throws {
        try await Self.expectRefusedThenStillOpen(parts: [0, 1, 2, 3], size: Self.archive.count + 1, treeHash: TreeHash.of(Self.archive))
    }

    @Test func completeWithSizeOfOnlySomePartsIsRefused() async throws {
        try await Self.expectRefusedThenStillOpen(parts: [0, 1, 2, 3], size: 3 * Self.mib, treeHash: TreeHash.of(Self.archive))
    }

    @Test func completeWithWrongTreeHashIsRefused() async throws {
        let wrong = TreeHash.of(Array(Self.archive.dropLast()))
        try await Self.expectRefusedThenStillOpen(parts: [0, 1, 2, 3], size: Self.archive.count, treeHash: wrong)
    }

    @Test func completeWithAShortPartBeforeTheLastIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, Array(Self.part(0).prefix(1000)))
            try await engine.uploadPart(uploadID, first: Self.mib, Self.part(1))
            let claimed = Array(Self.part(0).prefix(1000)) + Self.part(1)
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.complete(uploadID, size: Self.mib + 1000, treeHash: TreeHash.of(claimed))
            }
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.complete(uploadID, size: 2 * Self.mib, treeHash: TreeHash.of(claimed))
            }
        }
    }

    @Test func completeWithNoPartsIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.complete(uploadID, size: 0, treeHash: SHA256Value.empty)
            }
        }
    }
}
