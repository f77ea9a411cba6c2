import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraTestSupport

/// Inventory-retrieval jobs list the vault's archives as they were when the job started.
struct InventoryJobTests {
    static func inventory(_ engine: EngineFixture, format: String? = nil) async throws -> [UInt8] {
        let job = try await engine.initiateJob(GlacierJobParameters(type: "inventory-retrieval", format: format))
        return try await engine.output(job.id).bytes
    }

    @Test func jsonInventoryListsTheArchive() async throws {
        try await withEngine { engine in
            let bytes = TestData.bytes(count: 3000, seed: 101)
            let created = try await engine.uploadArchive(bytes, description: "my photos")
            let json = try await Self.inventory(engine)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
            #expect(document["VaultARN"] as? String == "arn:aws:glacier:us-east-1:\(engine.account):vaults/\(engine.vault)")
            let list = try #require(document["ArchiveList"] as? [[String: Any]])
            try #require(list.count == 1)
            #expect(list[0]["ArchiveId"] as? String == created.archiveID)
            #expect(list[0]["ArchiveDescription"] as? String == "my photos")
            #expect((list[0]["Size"] as? NSNumber)?.int64Value == 3000)
            #expect(list[0]["SHA256TreeHash"] as? String == TreeHash.of(bytes).hex)
            #expect(list[0]["CreationDate"] as? String == ISO8601Timestamp.format(engine.clock.now))
        }
    }

    @Test func inventoryIsTakenWhenTheJobStarts() async throws {
        try await withEngine(jobDelay: 10) { engine in
            let first = try await engine.uploadArchive(TestData.bytes(count: 10, seed: 102))
            let job = try await engine.initiateJob(GlacierJobParameters(type: "inventory-retrieval"))
            _ = try await engine.uploadArchive(TestData.bytes(count: 20, seed: 103))
            try await engine.service.deleteArchive(accountID: engine.account, vault: engine.vault, archiveID: first.archiveID)
            engine.clock.advance(by: 10)
            let json = String(decoding: try await engine.output(job.id).bytes, as: UTF8.self)
            #expect(json.contains(first.archiveID))
            #expect(json.components(separatedBy: "\"ArchiveId\"").count == 2, "one archive listed")
        }
    }

    @Test func csvInventoryHasAHeaderAndOneLinePerArchive() async throws {
        try await withEngine { engine in
            let bytes = TestData.bytes(count: 42, seed: 104)
            let created = try await engine.uploadArchive(bytes, description: "a, \"quoted\" one")
            let lines = String(decoding: try await Self.inventory(engine, format: "CSV"), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            #expect(lines.first == "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash")
            #expect(lines.count == 2)
            #expect(lines.last?.hasPrefix(created.archiveID + ",\"a, \\\"quoted\\\" one\",") == true)
            #expect(lines.last?.hasSuffix(",42," + TreeHash.of(bytes).hex) == true)
        }
    }
}
