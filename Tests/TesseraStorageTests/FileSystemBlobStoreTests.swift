import Foundation
import NIOCore
import Testing
import TesseraBlobStoreFileSystem
import TesseraCore
import TesseraStorage
import TesseraTestSupport

/// Behaviour particular to the file-system blob store: crash leftovers and on-disk corruption.
struct FileSystemBlobStoreTests {
    static func stagingNames(_ root: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/staging")
    }

    static func blobPath(_ root: String, _ digest: SHA256Value) -> String {
        let hex = digest.hex
        return "\(root)/sha256/\(hex.prefix(2))/\(hex)"
    }

    @Test func stagingLeftByACrashIsRemovedWhenTheStoreOpensAgain() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            let staging = try await store.makeStaging()
            try await BlobStoreHelpers.write(TestData.bytes(count: 2 << 20, seed: 41), to: staging, chunkSizes: [100_000])
            try await staging.finish()
            try "stray".write(toFile: root + "/staging/stray.part", atomically: false, encoding: .utf8)
            #expect(try Self.stagingNames(root).count == 2, "the unacknowledged upload and the stray file are on disk")

            let reopened = try await FileSystemBlobStore(root: root)
            #expect(try Self.stagingNames(root).isEmpty)
            #expect(try await reopened.listBlobs().isEmpty, "nothing staged becomes a blob")
        }
    }

    @Test func committedBlobsSurviveReopening() async throws {
        try await TestData.withTemporaryDirectory { root in
            let bytes = TestData.bytes(count: 300_000, seed: 42)
            let digest = try await BlobStoreHelpers.put(bytes, into: FileSystemBlobStore(root: root))
            #expect(FileManager.default.fileExists(atPath: Self.blobPath(root, digest)))
            let reopened = try await FileSystemBlobStore(root: root)
            expectSameBytes(try await BlobStoreHelpers.readAll(reopened, digest), bytes)
            #expect(try Self.stagingNames(root).isEmpty)
        }
    }

    @Test func blobModifiedOnDiskFailsItsReadWithoutTheFinalChunk() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            // Over 1 MiB, so it streams in chunks (a smaller blob is read whole, in one chunk).
            let bytes = TestData.bytes(count: 5 * 256 * 1024 + 1000, seed: 43)
            let digest = try await BlobStoreHelpers.put(bytes, into: store)
            try Self.flipByte(at: 10, in: Self.blobPath(root, digest))

            let (chunks, error) = await BlobStoreHelpers.drain(try await store.read(digest, range: nil))
            #expect(error as? StorageError == .corrupt(digest))
            let received = chunks.reduce(0) { $0 + $1.count }
            #expect(received < bytes.count, "the reader must not hand out a whole body of wrong bytes")
            #expect(received > 0, "chunks before the last stream as they are read")

            let ranged = await BlobStoreHelpers.drain(try await store.read(digest, range: 0..<100))
            #expect(ranged.error as? StorageError == .corrupt(digest), "a ranged read checks the whole blob too")
            #expect(ranged.chunks.isEmpty)
        }
    }

    @Test func blockSizedBlobModifiedOnDiskHandsOutNothing() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            let bytes = TestData.bytes(count: 524_288, seed: 45)
            let digest = try await BlobStoreHelpers.put(bytes, into: store)
            try Self.flipByte(at: 524_000, in: Self.blobPath(root, digest))

            let (chunks, error) = await BlobStoreHelpers.drain(try await store.read(digest, range: nil))
            #expect(error as? StorageError == .corrupt(digest))
            #expect(chunks.isEmpty, "a blob read whole is checked before any of it is handed out")
        }
    }

    @Test func truncatedBlobFailsItsRead() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            let bytes = TestData.bytes(count: 600_000, seed: 44)
            let digest = try await BlobStoreHelpers.put(bytes, into: store)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: Self.blobPath(root, digest)))
            try handle.truncate(atOffset: 500_000)
            try handle.close()
            let (chunks, error) = await BlobStoreHelpers.drain(try await store.read(digest, range: nil))
            #expect(error as? StorageError == .corrupt(digest))
            #expect(chunks.reduce(0) { $0 + $1.count } < 500_000)
        }
    }

    @Test func stagingFromAnotherStoreIsRefused() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            let foreign = try await InMemoryBlobStore().makeStaging()
            try await foreign.finish()
            await #expect(throws: StorageError.self) { try await store.commit(foreign, as: SHA256Value.empty) }
            #expect(try await store.listBlobs().isEmpty)
        }
    }

    static func flipByte(at offset: UInt64, in path: String) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let original = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [original ^ 0xff])
    }
}
