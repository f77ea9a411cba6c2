import Testing
import TesseraMetadataSQL
import TesseraTestSupport

/// The token-signing keys the nodes of a cluster share through the metadata database.
struct SharedKeysTests {
    @Test(arguments: TestMetadataBackend.available)
    func theFirstProposalIsTheKeyEveryNodeReads(_ backend: TestMetadataBackend) async throws {
        try await TestData.withTemporaryDirectory { directory in
            try await backend.withStores(2, directory: directory) { stores in
                async let first = stores[0].sharedKey(named: "block-token", proposing: "aa")
                async let second = stores[1].sharedKey(named: "block-token", proposing: "bb")
                let (a, b) = try await (first, second)
                #expect(a == b && ["aa", "bb"].contains(a), "both nodes read the one stored key: \(a), \(b)")
                #expect(try await stores[1].sharedKey(named: "block-token", proposing: "cc") == a)
                #expect(try await stores[0].sharedKey(named: "registry-token", proposing: "dd") == "dd", "each name has its own key")
            }
        }
    }
}
