import Foundation
import Testing
import TesseraBlobStoreFileSystem
import TesseraCore
import TesseraStorage
import TesseraTestSupport

/// Blobs under one batch are written with direct I/O from a pooled, aligned buffer padded to 4 KiB and
/// cut back to their length; longer ones go through the page cache batch by batch. These sizes sit on
/// each side of every boundary of that scheme, and are written largest first so that pooled buffers
/// still hold a longer blob's bytes when a shorter one reuses them.
struct FileSystemBlobSizeBoundaryTests {
    static let mib = 1 << 20
    static let sizes = [2 * mib + 4097, mib + 1, mib, mib - 1, 524_288, 4097, 4096, 4095, 1, 0]

    @Test(arguments: [[7_777], [64 * 1024], [mib]])
    func everySizeReadsBackExactlyAndTakesItsLengthOnDisk(chunkSizes: [Int]) async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            for (n, size) in Self.sizes.enumerated() {
                let bytes = TestData.bytes(count: size, seed: UInt64(100 + n))
                let digest = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: chunkSizes)
                #expect(digest == SHA256Value.of(bytes))
                #expect(try await store.size(of: digest) == Int64(size), "size \(size): no padding left on disk")
                expectSameBytes(try await BlobStoreHelpers.readAll(store, digest), bytes)
            }
            let staged = try FileManager.default.contentsOfDirectory(atPath: root + "/staging")
            #expect(staged.isEmpty, "every staging file was renamed or removed")
        }
    }

    @Test func concurrentSmallBlobsEachKeepTheirOwnBytes() async throws {
        try await TestData.withTemporaryDirectory { root in
            let store = try await FileSystemBlobStore(root: root)
            let blobs = (0..<40).map { TestData.bytes(count: 524_288 - $0 * 1000, seed: UInt64(500 + $0)) }
            let digests = try await withThrowingTaskGroup(of: (Int, SHA256Value).self) { group in
                for (n, bytes) in blobs.enumerated() {
                    group.addTask { (n, try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [65_536])) }
                }
                var found: [Int: SHA256Value] = [:]
                for try await (n, digest) in group { found[n] = digest }
                return found
            }
            for (n, bytes) in blobs.enumerated() {
                #expect(digests[n] == SHA256Value.of(bytes))
                expectSameBytes(try await BlobStoreHelpers.readAll(store, try #require(digests[n])), bytes)
            }
        }
    }
}
