import Testing
import TesseraMetadataSQL
import TesseraStorage
import TesseraTestSupport

/// Racing state changes on each metadata backend this run has, from two stores sharing one database (two
/// nodes' worth of connections).
struct MetadataConcurrencyConformanceTests {
    @Test(arguments: TestMetadataBackend.available, MetadataConcurrencyConformance.Check.allCases)
    func racesEndInOneConsistentState(_ backend: TestMetadataBackend, _ check: MetadataConcurrencyConformance.Check) async throws {
        try await TestData.withTemporaryDirectory { directory in
            try await backend.withStores(2, directory: directory) { stores in
                try await check.run(on: stores.map { $0 as any MetadataConcurrencyConformance.Store })
            }
        }
    }
}
