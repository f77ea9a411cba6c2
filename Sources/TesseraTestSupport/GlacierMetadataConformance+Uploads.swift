import Foundation
import Testing
import TesseraCore
import TesseraStorage

extension GlacierMetadataConformance {
    static func upload(_ id: String, account: String, vault: String = "v", at seconds: Int = 0) -> UploadRecord {
        UploadRecord(id: id, accountID: account, vaultName: vault, description: "upload \(id)", partSize: 100, createdAt: at(seconds))
    }

    static func part(_ uploadID: String, _ first: Int64, _ last: Int64, _ tag: String) throws -> PartRecord {
        let range = try #require(InclusiveByteRange(first: first, last: last))
        return PartRecord(uploadID: uploadID, range: range, treeHash: digest("tree \(tag)"), blob: digest("blob \(tag)"))
    }

    static func putParts(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111121"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        let record = upload("up-put", account: account)
        try await store.insertUpload(record)
        #expect(try await store.upload(accountID: account, vaultName: "v", id: "up-put") == record)
        #expect(try await store.upload(accountID: account, vaultName: "other", id: "up-put") == nil)
        #expect(try await store.listOpenUploads(accountID: account, vaultName: "v", fromID: nil, limit: 10).map(\.id) == ["up-put"])

        try await store.putPart(part("up-put", 100, 199, "second"))
        try await store.putPart(part("up-put", 0, 99, "first"))
        let replacement = try part("up-put", 0, 49, "first again")
        try await store.putPart(replacement)
        let parts = try await store.parts(uploadID: "up-put", fromFirstByte: 0, limit: 10)
        #expect(parts == [replacement, try part("up-put", 100, 199, "second")], "ordered by first byte; same first byte replaces")
        #expect(try await store.parts(uploadID: "up-put", fromFirstByte: 100, limit: 10).map(\.range.first) == [100])
        #expect(try await store.parts(uploadID: "up-put", fromFirstByte: 1, limit: 10).map(\.range.first) == [100])
        #expect(try await store.parts(uploadID: "up-put", fromFirstByte: 0, limit: 1).map(\.range.first) == [0])
        #expect(try await store.parts(uploadID: "another", fromFirstByte: 0, limit: 10).isEmpty)
    }

    static func completeOnce(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111122"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        try await store.insertUpload(upload("up-done", account: account))
        try await store.putPart(part("up-done", 0, 99, "p0"))
        try await store.putPart(part("up-done", 100, 149, "p1"))
        let archive = archive("arc-done", account: account, vault: "v", size: 150, at: 10)
        try await store.completeUpload(id: "up-done", into: archive)

        #expect(try await store.upload(accountID: account, vaultName: "v", id: "up-done")?.state == .completed(archiveID: "arc-done"))
        #expect(try await store.archive(accountID: account, vaultName: "v", id: "arc-done") == archive)
        #expect(try await store.vault(accountID: account, name: "v")?.archiveCount == 1)
        #expect(try await store.listOpenUploads(accountID: account, vaultName: "v", fromID: nil, limit: 10).isEmpty)

        let again = await #expect(throws: StorageError.self) {
            try await store.completeUpload(id: "up-done", into: Self.archive("arc-twice", account: account, vault: "v", size: 150, at: 11))
        }
        #expect(isConflict(again), "a second completion is a conflict, got \(String(describing: again))")
        #expect(try await store.archive(accountID: account, vaultName: "v", id: "arc-twice") == nil)
        #expect(try await store.vault(accountID: account, name: "v")?.archiveCount == 1)
        #expect(try await store.upload(accountID: account, vaultName: "v", id: "up-done")?.state == .completed(archiveID: "arc-done"))

        let late = await #expect(throws: StorageError.self) { try await store.putPart(try part("up-done", 0, 99, "late")) }
        #expect(isConflict(late), "a part for a completed upload is a conflict, got \(String(describing: late))")
    }

    static func completeIntoMissingVault(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111123"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        try await store.insertUpload(upload("up-orphan", account: account))
        try await store.putPart(part("up-orphan", 0, 99, "p0"))
        await #expect(throws: StorageError.self) {
            try await store.completeUpload(id: "up-orphan", into: Self.archive("arc-orphan", account: account, vault: "gone", size: 100, at: 5))
        }
        #expect(try await store.upload(accountID: account, vaultName: "v", id: "up-orphan")?.state == .open,
                "a completion that fails part-way changes nothing")
        #expect(try await store.parts(uploadID: "up-orphan", fromFirstByte: 0, limit: 10).count == 1)
        #expect(try await store.archiveSegments(id: "arc-orphan").isEmpty)
        let good = archive("arc-good", account: account, vault: "v", size: 100, at: 6)
        try await store.completeUpload(id: "up-orphan", into: good)
        #expect(try await store.archive(accountID: account, vaultName: "v", id: "arc-good") == good)
    }

    static func abort(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111124"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        try await store.insertUpload(upload("up-abort", account: account))
        try await store.insertUpload(upload("up-keep", account: account, at: 1))
        try await store.putPart(part("up-abort", 0, 99, "a0"))
        try await store.putPart(part("up-abort", 100, 199, "a1"))
        try await store.putPart(part("up-keep", 0, 99, "k0"))
        try await store.abortUpload(id: "up-abort")

        #expect(try await store.upload(accountID: account, vaultName: "v", id: "up-abort")?.state == .aborted)
        #expect(try await store.parts(uploadID: "up-abort", fromFirstByte: 0, limit: 10).isEmpty)
        #expect(try await store.parts(uploadID: "up-keep", fromFirstByte: 0, limit: 10).count == 1, "other uploads keep their parts")
        #expect(try await store.listOpenUploads(accountID: account, vaultName: "v", fromID: nil, limit: 10).map(\.id) == ["up-keep"])
        let late = await #expect(throws: StorageError.self) { try await store.putPart(try part("up-abort", 0, 99, "late")) }
        #expect(isConflict(late), "a part for an aborted upload is a conflict, got \(String(describing: late))")
        let complete = await #expect(throws: StorageError.self) {
            try await store.completeUpload(id: "up-abort", into: Self.archive("arc-x", account: account, vault: "v", size: 100, at: 3))
        }
        #expect(isConflict(complete))
        #expect(try await store.vault(accountID: account, name: "v")?.archiveCount == 0)
    }

    // MARK: jobs and account settings

    static func job(_ id: String, account: String, vault: String = "v", created: Int, completes: Int) -> JobRecord {
        JobRecord(id: id, accountID: account, vaultName: vault, action: .inventoryRetrieval, description: nil, tier: "Standard",
                  snsTopic: nil, createdAt: at(created), completesAt: at(completes))
    }

    static func jobs(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111125"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        var full = JobRecord(id: "job-a", accountID: account, vaultName: "v", action: .archiveRetrieval, description: "whole",
                             tier: "Bulk", snsTopic: "arn:aws:sns:us-east-1:111111111125:t", createdAt: at(10), completesAt: at(20))
        full.archiveID = "arc"
        full.archiveSize = 3 << 20
        full.archiveTreeHash = digest("archive tree")
        full.range = InclusiveByteRange(first: 1 << 20, last: (2 << 20) - 1)
        full.rangeTreeHash = digest("range tree")
        try await store.insertJob(full)
        var inventory = job("job-b", account: account, created: 11, completes: 1000)
        inventory.outputBlob = digest("inventory")
        inventory.outputSize = 42
        inventory.format = "CSV"
        inventory.inventoryParametersJSON = #"{"Format":"CSV"}"#
        try await store.insertJob(inventory)
        try await store.insertJob(job("job-c", account: account, created: 12, completes: 30))
        _ = try await store.createVault(VaultRecord(accountID: account, name: "w", createdAt: at(0)))
        try await store.insertJob(job("job-z", account: account, vault: "w", created: 13, completes: 13))
        await #expect(throws: StorageError.notFound("vault gone")) {
            try await store.insertJob(job("job-lost", account: account, vault: "gone", created: 14, completes: 14))
        }

        #expect(try await store.job(accountID: account, vaultName: "v", id: "job-a") == full)
        #expect(try await store.job(accountID: account, vaultName: "v", id: "job-b") == inventory)
        #expect(try await store.job(accountID: account, vaultName: "w", id: "job-a") == nil)

        let now = at(100)
        func ids(_ completed: Bool?, _ status: String?, from: String? = nil, limit: Int = 10) async throws -> [String] {
            try await store.listJobs(accountID: account, vaultName: "v", filter: JobFilter(completed: completed, statusCode: status, now: now, expiredBefore: .distantPast),
                                     fromID: from, limit: limit).map(\.id)
        }
        #expect(try await ids(nil, nil) == ["job-a", "job-b", "job-c"], "oldest first, one vault")
        #expect(try await ids(true, nil) == ["job-a", "job-c"])
        #expect(try await ids(false, nil) == ["job-b"])
        #expect(try await ids(nil, "Succeeded") == ["job-a", "job-c"])
        #expect(try await ids(nil, "InProgress") == ["job-b"])
        #expect(try await ids(nil, "Failed") == [])
        #expect(try await ids(nil, nil, from: "job-b") == ["job-b", "job-c"], "fromID is inclusive")
        #expect(try await ids(nil, nil, limit: 2) == ["job-a", "job-b"])
        #expect(try await ids(true, "InProgress") == [], "filters combine")
    }

    static func accountSettings(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111126"
        #expect(try await store.dataRetrievalPolicy(accountID: account) == nil)
        try await store.setDataRetrievalPolicy(accountID: account, json: #"{"Rules":[]}"#)
        try await store.setDataRetrievalPolicy(accountID: account, json: #"{"Rules":[{"Strategy":"FreeTier"}]}"#)
        #expect(try await store.dataRetrievalPolicy(accountID: account) == #"{"Rules":[{"Strategy":"FreeTier"}]}"#)
        #expect(try await store.dataRetrievalPolicy(accountID: "999999999998") == nil)
        let later = ProvisionedCapacityRecord(id: "pc-2", accountID: account, startDate: at(50), expirationDate: at(5000))
        let earlier = ProvisionedCapacityRecord(id: "pc-1", accountID: account, startDate: at(10), expirationDate: at(4000))
        try await store.insertProvisionedCapacity(later)
        try await store.insertProvisionedCapacity(earlier)
        #expect(try await store.provisionedCapacity(accountID: account) == [earlier, later])
        #expect(try await store.provisionedCapacity(accountID: "999999999998").isEmpty)
    }
}
