import Testing
import TesseraBlobStoreFileSystem
import TesseraStorage
import TesseraTestSupport

/// Every blob store backend runs the same conformance checks, each on a fresh store.
struct BlobStoreConformanceTests {
    @Test(arguments: BlobStoreConformance.Check.allCases)
    func fileSystemStoreConforms(_ check: BlobStoreConformance.Check) async throws {
        try await TestData.withTemporaryDirectory { root in
            try await check.run(on: FileSystemBlobStore(root: root + "/blobs"))
        }
    }

    @Test(arguments: BlobStoreConformance.Check.allCases)
    func inMemoryStoreConforms(_ check: BlobStoreConformance.Check) async throws {
        let store = InMemoryBlobStore()
        try await check.run(on: store)
        #expect(await store.pendingStagingCount == 0, "every staging area was committed or discarded")
    }
}
