import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Vault deletion rules and content-addressed dedup through the engine.
struct VaultAndDedupTests {
    @Test func vaultHoldingAnArchiveCannotBeDeleted() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(TestData.bytes(count: 100, seed: 111))
            await expectEngineError(.vaultNotEmpty(accountID: engine.account, vault: engine.vault)) {
                try await engine.service.deleteVault(accountID: engine.account, name: engine.vault)
            }
            #expect(try await engine.service.describeVault(accountID: engine.account, name: engine.vault).archiveCount == 1)
            try await engine.service.deleteArchive(accountID: engine.account, vault: engine.vault, archiveID: created.archiveID)
            try await engine.service.deleteVault(accountID: engine.account, name: engine.vault)
            await expectEngineError(.vaultNotFound(accountID: engine.account, vault: engine.vault)) {
                _ = try await engine.service.describeVault(accountID: engine.account, name: engine.vault)
            }
        }
    }

    @Test func deletingAnUnknownArchiveIsNotFound() async throws {
        try await withEngine { engine in
            await expectEngineError(.archiveNotFound(id: "nope")) {
                try await engine.service.deleteArchive(accountID: engine.account, vault: engine.vault, archiveID: "nope")
            }
        }
    }

    @Test func sameBytesUploadedAsTwoArchivesAreStoredOnce() async throws {
        try await withEngine { engine in
            let bytes = TestData.bytes(count: 1_500_000, seed: 112)
            let first = try await engine.uploadArchive(bytes)
            let second = try await engine.uploadArchive(bytes, description: "again")
            #expect(first.archiveID != second.archiveID)
            #expect(first.treeHash == second.treeHash)
            #expect(await engine.blobs.blobCount == 1)
            #expect(try await engine.service.describeVault(accountID: engine.account, name: engine.vault).archiveCount == 2)
        }
    }

    @Test func multipartPartWithTheBytesOfAnArchiveIsStoredOnce() async throws {
        try await withEngine { engine in
            let bytes = TestData.bytes(count: EngineFixture.mib, seed: 113)
            _ = try await engine.uploadArchive(bytes)
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, bytes)
            _ = try await engine.complete(uploadID, size: bytes.count, treeHash: TreeHash.of(bytes))
            #expect(await engine.blobs.blobCount == 1)
        }
    }

    @Test func archiveWithWrongTreeHashIsRefusedAndNotStored() async throws {
        try await withEngine { engine in
            let bytes = TestData.bytes(count: 5000, seed: 114)
            let claimed = TreeHash.of(Array(bytes.dropFirst()))
            await expectEngineError(.checksumMismatch(expected: claimed.hex, computed: TreeHash.of(bytes).hex)) {
                _ = try await engine.service.uploadArchive(accountID: engine.account, vault: engine.vault, description: nil,
                                                           contentLength: Int64(bytes.count), treeHash: claimed.hex,
                                                           payloadSHA256: nil, body: AsyncByteChunks(bytes))
            }
            #expect(await engine.blobs.blobCount == 0)
            let vault = try await engine.service.describeVault(accountID: engine.account, name: engine.vault)
            #expect(vault.archiveCount == 0)
        }
    }

    @Test func anAccountHoldsAtMostMaxVaultsAndRepeatsStillSucceed() async throws {
        try await withEngine { engine in
            var service = engine.service
            service.maxVaults = 3
            for name in ["second", "third"] { try await service.createVault(accountID: engine.account, name: name) }
            await expectEngineError("limitExceeded", matches: { if case .limitExceeded = $0 { true } else { false } }) {
                try await service.createVault(accountID: engine.account, name: "fourth")
            }
            try await service.createVault(accountID: engine.account, name: "third")
            try await service.createVault(accountID: "999999999999", name: "fourth")
        }
    }

    @Test func vaultNamesOutsideTheAllowedCharactersAreRefused() async throws {
        try await withEngine { engine in
            for name in ["", "has space", "slash/y", String(repeating: "a", count: 256)] {
                await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                    try await engine.service.createVault(accountID: engine.account, name: name)
                }
            }
            try await engine.service.createVault(accountID: engine.account, name: "A-z_0.9")
        }
    }
}
