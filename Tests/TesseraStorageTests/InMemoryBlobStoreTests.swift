import NIOCore
import Testing
import TesseraCore
import TesseraStorage
import TesseraTestSupport

/// The in-memory store's own promises: it detects corruption like a real backend and refuses misuse of
/// staging that a real backend would silently get wrong.
struct InMemoryBlobStoreTests {
    @Test func corruptedBlobFailsItsReadWithoutTheFinalChunk() async throws {
        let store = InMemoryBlobStore()
        let bytes = TestData.bytes(count: 3 * InMemoryBlobStore.readChunkSize + 10, seed: 51)
        let digest = try await BlobStoreHelpers.put(bytes, into: store)
        #expect(await store.corrupt(digest))

        let (chunks, error) = await BlobStoreHelpers.drain(try await store.read(digest, range: nil))
        #expect(error as? StorageError == .corrupt(digest))
        #expect(chunks.count == 3, "every chunk but the held-back last one")
        #expect(chunks.reduce(0) { $0 + $1.count } < bytes.count)

        let ranged = await BlobStoreHelpers.drain(try await store.read(digest, range: 0..<1))
        #expect(ranged.error as? StorageError == .corrupt(digest))
        #expect(ranged.chunks.isEmpty)
    }

    @Test func corruptingAnEmptyBlobIsDetectedToo() async throws {
        let store = InMemoryBlobStore()
        let digest = try await BlobStoreHelpers.put([], into: store)
        #expect(await store.corrupt(digest))
        await #expect(throws: StorageError.corrupt(digest)) { _ = try await BlobStoreHelpers.readAll(store, digest) }
    }

    @Test func corruptingAnAbsentBlobReportsFalse() async {
        #expect(await !InMemoryBlobStore().corrupt(SHA256Value.empty))
    }

    @Test func commitOfAnUnfinishedStagingIsRefused() async throws {
        let store = InMemoryBlobStore()
        let staging = try await store.makeStaging()
        try await BlobStoreHelpers.write([1, 2, 3], to: staging, chunkSizes: [1])
        await #expect(throws: StorageError.self) { try await store.commit(staging, as: SHA256Value.of([1, 2, 3])) }
        #expect(try await store.listBlobs().isEmpty)
        await staging.discard()
        #expect(await store.pendingStagingCount == 0)
    }

    @Test func commitOfADiscardedStagingIsRefused() async throws {
        let store = InMemoryBlobStore()
        let staging = try await store.makeStaging()
        try await staging.finish()
        await staging.discard()
        await #expect(throws: StorageError.self) { try await store.commit(staging, as: SHA256Value.empty) }
        #expect(try await store.listBlobs().isEmpty)
    }

    @Test func pendingStagingCountTracksOpenStagings() async throws {
        let store = InMemoryBlobStore()
        let kept = try await store.makeStaging()
        let dropped = try await store.makeStaging()
        #expect(await store.pendingStagingCount == 2)
        await dropped.discard()
        #expect(await store.pendingStagingCount == 1)
        try await kept.finish()
        try await store.commit(kept, as: SHA256Value.empty)
        #expect(await store.pendingStagingCount == 0)
        #expect(await store.blobCount == 1)
    }

    @Test func writeAfterFinishIsRefused() async throws {
        let staging = try await InMemoryBlobStore().makeStaging()
        try await staging.finish()
        await #expect(throws: StorageError.self) { try await staging.write(ByteBuffer(bytes: [1])) }
    }
}
