import Foundation
import Logging
import Testing
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// The SQL metadata store runs the Glacier metadata conformance checks on each backend this run has (SQLite
/// always, PostgreSQL with `TESSERA_TEST_POSTGRES_URL`), each check on a fresh database.
struct GlacierMetadataConformanceTests {
    static let logger = Logger(label: "tessera.test.sqlite")

    @Test(arguments: TestMetadataBackend.available, GlacierMetadataConformance.Check.allCases)
    func storeConforms(_ backend: TestMetadataBackend, _ check: GlacierMetadataConformance.Check) async throws {
        try await TestData.withTemporaryDirectory { directory in
            try await backend.withStore(directory: directory) { store in try await check.run(on: store) }
        }
    }

    @Test func sqliteStoreKeepsCommittedStateAcrossReopen() async throws {
        try await TestData.withTemporaryDirectory { directory in
            let path = directory + "/metadata.sqlite"
            let created = Date(timeIntervalSince1970: 1_700_000_000)
            let first = try await SQLMetadataStore.sqlite(path: path, logger: Self.logger)
            #expect(try await first.createVault(VaultRecord(accountID: "111111111111", name: "kept", createdAt: created)))
            try await first.close()

            let second = try await SQLMetadataStore.sqlite(path: path, logger: Self.logger)
            #expect(try await second.vault(accountID: "111111111111", name: "kept")?.createdAt == created,
                    "reopening applies no migration twice and finds the vault")
            try await second.close()
        }
    }
}
