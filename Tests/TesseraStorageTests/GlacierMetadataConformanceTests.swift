import Foundation
import Logging
import Testing
import TesseraMetadataSQL
import TesseraStorage
import TesseraTestSupport

/// The SQL metadata store on SQLite runs the Glacier metadata conformance checks, each on a fresh file.
struct GlacierMetadataConformanceTests {
    static let logger = Logger(label: "tessera.test.sqlite")

    @Test(arguments: GlacierMetadataConformance.Check.allCases)
    func sqliteStoreConforms(_ check: GlacierMetadataConformance.Check) async throws {
        try await TestData.withTemporaryDirectory { directory in
            let store = try await SQLMetadataStore.sqlite(path: directory + "/metadata.sqlite", logger: Self.logger)
            do {
                try await check.run(on: store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
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
