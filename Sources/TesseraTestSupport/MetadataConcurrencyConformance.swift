import Foundation
import Testing
import TesseraCore
import TesseraStorage

/// What every metadata backend must get right when state changes race: the same calls from several tasks at
/// once, spread over several stores that share one database (as nodes of a cluster share one PostgreSQL).
/// Each check starts from an empty database.
public enum MetadataConcurrencyConformance {
    public typealias Store = GlacierMetadataStore & SnapshotMetadata & RepositoryMetadata & BlobWriteLedger

    public enum Check: String, CaseIterable, Sendable {
        case racingCompletionsMakeOneArchive
        case racingCreateVaultsMakeOneVault
        case racingCreateVaultsStopAtTheLimit
        case racingCapacityPurchasesStopAtTheLimit
        case racingCreateRepositoriesMakeOneRepository
        case racingDeletesUncountAnArchiveOnce
        case partsRacingACompletionLeaveNoneBehind
        case blocksRacingACompletionAreAllOrNothingAfter
        case racingClientTokensStartOneSnapshot
        case archiveRacingVaultDeletionKeepsCountsTrue
        case racingSweepsClaimABlobOnce
        case aClaimAndWritesOfOneBlobExcludeEachOther
        case aStaleClaimIsTakenOver
        case liveInstancesAreSeenByEveryNode

        public func run(on stores: [any Store]) async throws {
            typealias C = MetadataConcurrencyConformance
            switch self {
            case .racingCompletionsMakeOneArchive: try await C.racingCompletions(stores)
            case .racingCreateVaultsMakeOneVault: try await C.racingCreateVaults(stores)
            case .racingCreateVaultsStopAtTheLimit: try await C.racingCreateVaultsAtLimit(stores)
            case .racingCapacityPurchasesStopAtTheLimit: try await C.racingCapacityPurchases(stores)
            case .racingCreateRepositoriesMakeOneRepository: try await C.racingCreateRepositories(stores)
            case .racingDeletesUncountAnArchiveOnce: try await C.racingDeletes(stores)
            case .partsRacingACompletionLeaveNoneBehind: try await C.partsRacingCompletion(stores)
            case .blocksRacingACompletionAreAllOrNothingAfter: try await C.blocksRacingCompletion(stores)
            case .racingClientTokensStartOneSnapshot: try await C.racingClientTokens(stores)
            case .archiveRacingVaultDeletionKeepsCountsTrue: try await C.archiveRacingVaultDeletion(stores)
            case .racingSweepsClaimABlobOnce: try await C.racingClaims(stores)
            case .aClaimAndWritesOfOneBlobExcludeEachOther: try await C.claimRacingWrites(stores)
            case .aStaleClaimIsTakenOver: try await C.staleClaims(stores)
            case .liveInstancesAreSeenByEveryNode: try await C.liveInstances(stores)
            }
        }
    }

    static let account = "111111111111"
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    /// Runs `count` calls of `body` at once, call `i` on store `i % stores.count`; returns each call's outcome.
    static func race<T: Sendable>(_ count: Int, on stores: [any Store],
                                  _ body: @escaping @Sendable (Int, any Store) async throws -> T) async -> [Result<T, any Error>] {
        await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
            for index in 0..<count {
                let store = stores[index % stores.count]
                group.addTask {
                    do { return (index, .success(try await body(index, store))) } catch { return (index, .failure(error)) }
                }
            }
            var outcomes = [Result<T, any Error>?](repeating: nil, count: count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
    }

    static func isConflict(_ result: Result<some Any, any Error>) -> Bool {
        if case .failure(let error) = result, case .conflict? = error as? StorageError { return true }
        return false
    }

    static func digest(_ text: String) -> SHA256Value { SHA256Value.of(Array(text.utf8)) }

    static func archive(_ id: String, vault: String, size: Int64) -> ArchiveRecord {
        ArchiveRecord(id: id, accountID: account, vaultName: vault, description: id, size: size, treeHash: digest("tree \(id)"),
                      createdAt: t0, segments: [BlobSegment(blob: digest("blob \(id)"), length: size)])
    }

    static func part(_ uploadID: String, index: Int64) throws -> PartRecord {
        let range = try #require(InclusiveByteRange(first: index * 100, last: index * 100 + 99))
        return PartRecord(uploadID: uploadID, range: range, treeHash: digest("tree \(index)"), blob: digest("part \(index)"))
    }

    static func pendingSnapshot(_ id: String, token: String? = nil) -> SnapshotRecord {
        SnapshotRecord(id: id, accountID: account, region: "us-east-1", volumeSize: 1, parentID: nil, lineageRoot: id,
                       description: nil, tagsJSON: nil, clientToken: token, requestFingerprint: "f", encrypted: false,
                       kmsKeyARN: nil, timeoutMinutes: 60, startTime: t0)
    }

    /// An upload of 100-byte parts into vault `v`.
    static func openUpload(_ id: String, on store: any Store) async throws {
        try await store.insertUpload(UploadRecord(id: id, accountID: account, vaultName: "v", description: "", partSize: 100, createdAt: t0))
    }

    // MARK: checks

    /// Eight CompleteMultipartUploads of one upload: one archive, one count in the vault, seven clean conflicts.
    static func racingCompletions(_ stores: [any Store]) async throws {
        let store = stores[0]
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: t0))
        for round in 0..<5 {
            let uploadID = "up-race-\(round)"
            try await openUpload(uploadID, on: store)
            try await store.putPart(try part(uploadID, index: 0))
            let outcomes = await race(8, on: stores) { index, store in
                try await store.completeUpload(id: uploadID, into: archive("arc-\(round)-\(index)", vault: "v", size: 100))
            }
            let winners = outcomes.filter { if case .success = $0 { true } else { false } }
            #expect(winners.count == 1, "round \(round): one completion wins, got \(winners.count)")
            #expect(outcomes.filter(isConflict).count == 7, "round \(round): the others are conflicts: \(outcomes)")
            let state = try await store.upload(accountID: account, vaultName: "v", id: uploadID)?.state
            guard case .completed(let archiveID)? = state else {
                Issue.record("round \(round): upload is \(String(describing: state))")
                continue
            }
            #expect(try await store.archive(accountID: account, vaultName: "v", id: archiveID) != nil)
            #expect(try await store.parts(uploadID: uploadID, fromFirstByte: 0, limit: 10).isEmpty)
        }
        let archives = try await store.listArchives(accountID: account, vaultName: "v")
        #expect(archives.count == 5, "one archive per upload, got \(archives.map(\.id))")
        #expect(try await store.vault(accountID: account, name: "v")?.archiveCount == 5)
        #expect(try await store.vault(accountID: account, name: "v")?.sizeInBytes == 500)
    }

    static func racingCreateVaults(_ stores: [any Store]) async throws {
        for round in 0..<5 {
            let outcomes = await race(8, on: stores) { index, store in
                try await store.createVault(VaultRecord(accountID: account, name: "v\(round)", createdAt: t0.addingTimeInterval(Double(index))))
            }
            let created = outcomes.compactMap { try? $0.get() }
            #expect(created.count == 8, "no racing CreateVault fails: \(outcomes)")
            #expect(created.filter { $0 }.count == 1, "exactly one creates it: \(created)")
        }
        #expect(try await stores[0].listVaults(accountID: account, fromName: nil, limit: 100).count == 5)
    }

    static func racingCreateRepositories(_ stores: [any Store]) async throws {
        for round in 0..<5 {
            let outcomes = await race(8, on: stores) { index, store in
                try await store.createRepository(RepositoryRecord(id: "repo-\(round)-\(index)", accountID: account, registry: .private,
                                                                  name: "team/app\(round)", createdAt: t0), tags: [])
            }
            let created = outcomes.compactMap { try? $0.get() }
            #expect(created.count == 8, "no racing CreateRepository fails: \(outcomes)")
            #expect(created.filter { $0 }.count == 1, "exactly one creates it: \(created)")
        }
        #expect(try await stores[0].listRepositories(accountID: account, registry: .private, fromName: nil, limit: 100).count == 5)
    }

    static func racingDeletes(_ stores: [any Store]) async throws {
        let store = stores[0]
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: t0))
        for index in 0..<3 { try await store.insertArchive(archive("arc-\(index)", vault: "v", size: 10)) }
        let outcomes = await race(8, on: stores) { _, store in
            try await store.deleteArchive(accountID: account, vaultName: "v", id: "arc-1", at: t0)
        }
        let answers = outcomes.compactMap { try? $0.get() }
        #expect(answers.count == 8, "no racing delete fails: \(outcomes)")
        #expect(answers.filter { $0 }.count == 1, "exactly one delete finds the archive: \(answers)")
        let vault = try await store.vault(accountID: account, name: "v")
        #expect(vault?.archiveCount == 2 && vault?.sizeInBytes == 20, "the vault counts it out once: \(String(describing: vault))")
    }

    /// Parts written while the upload is completed: each part is either in before the completion (and then
    /// dropped with the upload's parts) or refused as a conflict; no part row outlives the completion.
    static func partsRacingCompletion(_ stores: [any Store]) async throws {
        let store = stores[0]
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: t0))
        for round in 0..<5 {
            let uploadID = "up-parts-\(round)"
            try await openUpload(uploadID, on: store)
            let outcomes = await race(16, on: stores) { index, store in
                if index == 8 {
                    try await store.completeUpload(id: uploadID, into: archive("arc-parts-\(round)", vault: "v", size: 100))
                } else {
                    try await store.putPart(try part(uploadID, index: Int64(index)))
                }
            }
            for (index, outcome) in outcomes.enumerated() where index != 8 {
                if case .failure = outcome { #expect(isConflict(outcome), "round \(round) part \(index): \(outcome)") }
            }
            #expect((try? outcomes[8].get()) != nil, "round \(round): the completion succeeds: \(outcomes[8])")
            let left = try await store.parts(uploadID: uploadID, fromFirstByte: 0, limit: 100)
            #expect(left.isEmpty, "round \(round): parts left behind a completed upload: \(left.map(\.range.first))")
        }
    }

    /// Blocks written while the snapshot is completed: every block acknowledged is in the snapshot, every block
    /// refused is not, and nothing else is.
    static func blocksRacingCompletion(_ stores: [any Store]) async throws {
        let store = stores[0]
        for round in 0..<5 {
            let id = "snap-race-\(round)"
            try await store.insertSnapshot(pendingSnapshot(id))
            let outcomes = await race(24, on: stores) { index, store in
                if index == 12 {
                    _ = try await store.finishSnapshot(id: id, status: .completed, message: nil)
                } else {
                    try await store.putSnapshotBlock(snapshotID: id, block: SnapshotBlock(index: Int64(index), blob: digest("b\(index)")))
                }
            }
            var acknowledged: Set<Int64> = []
            for (index, outcome) in outcomes.enumerated() where index != 12 {
                switch outcome {
                case .success: acknowledged.insert(Int64(index))
                case .failure: #expect(isConflict(outcome), "round \(round) block \(index): \(outcome)")
                }
            }
            let stored = Set(try await store.ownBlocks(snapshotID: id, fromIndex: 0, limit: 100).map(\.index))
            #expect(stored == acknowledged, "round \(round): stored \(stored.sorted()) but acknowledged \(acknowledged.sorted())")
            #expect(try await store.snapshot(id: id)?.status == .completed)
        }
    }

    static func racingClientTokens(_ stores: [any Store]) async throws {
        let outcomes = await race(8, on: stores) { index, store in
            try await store.insertSnapshot(pendingSnapshot("snap-token-\(index)", token: "token-1"))
        }
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1, "one start takes the token: \(outcomes)")
        #expect(outcomes.filter(isConflict).count == 7, "the others are conflicts: \(outcomes)")
        #expect(try await stores[0].snapshot(accountID: account, clientToken: "token-1") != nil)
    }

    /// Completions into a vault while it is deleted: the vault is either gone with no archive in it, or kept,
    /// counting exactly the archives it holds.
    static func archiveRacingVaultDeletion(_ stores: [any Store]) async throws {
        let store = stores[0]
        for round in 0..<8 {
            let vault = "doomed-\(round)"
            _ = try await store.createVault(VaultRecord(accountID: account, name: vault, createdAt: t0))
            let uploadID = "up-doomed-\(round)"
            try await store.insertUpload(UploadRecord(id: uploadID, accountID: account, vaultName: vault, description: "",
                                                      partSize: 100, createdAt: t0))
            let outcomes = await race(2, on: stores) { index, store -> Bool in
                if index == 0 {
                    try await store.completeUpload(id: uploadID, into: archive("arc-doomed-\(round)", vault: vault, size: 7))
                    return true
                }
                return try await store.deleteVaultIfEmpty(accountID: account, name: vault)
            }
            let archives = try await store.listArchives(accountID: account, vaultName: vault)
            if let record = try await store.vault(accountID: account, name: vault) {
                #expect(record.archiveCount == Int64(archives.count), "round \(round): count \(record.archiveCount), archives \(archives.count)")
                #expect((try? outcomes[1].get()) == false, "round \(round): a kept vault was not deleted: \(outcomes[1])")
            } else {
                #expect(archives.isEmpty, "round \(round): archives left in a deleted vault")
                #expect((try? outcomes[1].get()) == true, "round \(round): \(outcomes[1])")
                if case .success = outcomes[0] { Issue.record("round \(round): an archive was acknowledged into a deleted vault") }
            }
        }
    }

    // MARK: the blob write ledger (garbage collection of an object store, on every node at once)

    static let longAgo = Date(timeIntervalSince1970: 0)

    /// Eight sweeps on several nodes claim the same old blob: one claim wins, so one node deletes it.
    static func racingClaims(_ stores: [any Store]) async throws {
        let blob = digest("swept")
        #expect(try await stores[0].recordWrite(of: blob, at: t0, takingOverClaimsBefore: longAgo))
        let outcomes = await race(8, on: stores) { index, store in
            try await store.claimDeletion(of: blob, unwrittenSince: t0.addingTimeInterval(1), at: t0.addingTimeInterval(2 + Double(index) / 1000),
                                          takingOverClaimsBefore: longAgo)
        }
        let won = outcomes.filter { (try? $0.get()) == true }.count
        #expect(won == 1, "\(outcomes)")
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil }, "no claim fails with an error: \(outcomes)")
        // A blob the ledger never saw is claimed too (its row is made claimed), once.
        let unseen = digest("never recorded")
        let first = try await stores[0].claimDeletion(of: unseen, unwrittenSince: t0, at: t0, takingOverClaimsBefore: longAgo)
        let second = try await stores[1 % stores.count].claimDeletion(of: unseen, unwrittenSince: t0, at: t0, takingOverClaimsBefore: longAgo)
        #expect(first && !second)
    }

    /// A sweep's claim and commits of the same blob race: either the claim wins and every write waits (false),
    /// or a write lands first and the claim fails because the blob was written after the cutoff.
    static func claimRacingWrites(_ stores: [any Store]) async throws {
        for round in 0..<5 {
            let blob = digest("raced \(round)")
            #expect(try await stores[0].recordWrite(of: blob, at: t0, takingOverClaimsBefore: longAgo))
            let later = t0.addingTimeInterval(10)
            let outcomes = await race(8, on: stores) { index, store in
                if index % 2 == 0 {
                    return ("claim", try await store.claimDeletion(of: blob, unwrittenSince: t0.addingTimeInterval(1), at: later,
                                                                   takingOverClaimsBefore: longAgo))
                }
                return ("write", try await store.recordWrite(of: blob, at: later, takingOverClaimsBefore: longAgo))
            }
            let results = try outcomes.map { try $0.get() }
            let claims = results.filter { $0.0 == "claim" && $0.1 }.count
            let writes = results.filter { $0.0 == "write" && $0.1 }.count
            #expect((claims == 1 && writes == 0) || (claims == 0 && writes == 4), "round \(round): \(results)")
            let written = try await stores[0].lastWrites(of: [blob])[blob]
            #expect(written == (claims == 1 ? t0 : later))
        }
    }

    /// A claim left by a sweeper that stopped is taken over by a later write or sweep, and its sweeper's late
    /// finish then removes nothing.
    static func staleClaims(_ stores: [any Store]) async throws {
        let blob = digest("abandoned")
        let other = stores[1 % stores.count]
        #expect(try await stores[0].recordWrite(of: blob, at: t0, takingOverClaimsBefore: longAgo))
        let claimedAt = t0.addingTimeInterval(100)
        #expect(try await stores[0].claimDeletion(of: blob, unwrittenSince: t0.addingTimeInterval(1), at: claimedAt,
                                                  takingOverClaimsBefore: longAgo))
        #expect(try await other.abandonedDeletions(claimedBefore: claimedAt.addingTimeInterval(1), limit: 10) == [blob])
        #expect(try await other.abandonedDeletions(claimedBefore: claimedAt, limit: 10).isEmpty)
        // Still fresh: a write waits, another sweep does not claim it again.
        #expect(try await !other.recordWrite(of: blob, at: claimedAt.addingTimeInterval(5), takingOverClaimsBefore: claimedAt))
        #expect(try await !other.claimDeletion(of: blob, unwrittenSince: .distantFuture, at: claimedAt.addingTimeInterval(5),
                                               takingOverClaimsBefore: claimedAt))
        // Stale: the write takes it over; the first sweeper's finish leaves the new write's row alone.
        let rewritten = claimedAt.addingTimeInterval(700)
        #expect(try await other.recordWrite(of: blob, at: rewritten, takingOverClaimsBefore: claimedAt.addingTimeInterval(1)))
        try await stores[0].finishDeletion(of: blob, claimedAt: claimedAt)
        #expect(try await other.lastWrites(of: [blob]) == [blob: rewritten])
        #expect(try await other.abandonedDeletions(claimedBefore: .distantFuture, limit: 10).isEmpty)
        // A finished claim forgets the blob.
        let swept = rewritten.addingTimeInterval(5000)
        #expect(try await other.claimDeletion(of: blob, unwrittenSince: swept, at: swept, takingOverClaimsBefore: longAgo))
        try await other.finishDeletion(of: blob, claimedAt: swept)
        #expect(try await stores[0].lastWrites(of: [blob]).isEmpty)
    }

    /// Processes mark themselves alive while they stage uploads; every node sees who was alive when, and old
    /// marks are forgotten.
    static func liveInstances(_ stores: [any Store]) async throws {
        let other = stores[1 % stores.count]
        try await stores[0].markAlive(instance: "a", at: t0)
        try await other.markAlive(instance: "b", at: t0.addingTimeInterval(10))
        #expect(try await other.instancesAlive(since: t0) == ["a", "b"])
        #expect(try await stores[0].instancesAlive(since: t0.addingTimeInterval(5)) == ["b"])
        try await stores[0].markAlive(instance: "a", at: t0.addingTimeInterval(20))
        #expect(try await other.instancesAlive(since: t0.addingTimeInterval(15)) == ["a"])
        try await other.forgetInstances(seenBefore: t0.addingTimeInterval(15))
        #expect(try await stores[0].instancesAlive(since: longAgo) == ["a"])
    }

    /// Twelve CreateVaults of different names race with room for five: five vaults, seven refusals, never six.
    static func racingCreateVaultsAtLimit(_ stores: [any Store]) async throws {
        for round in 0..<3 {
            let account = "limit-\(round)"
            let outcomes = await race(12, on: stores) { index, store in
                try await store.createVault(VaultRecord(accountID: account, name: "v\(index)", createdAt: t0), maximumPerAccount: 5)
            }
            let results = try outcomes.map { try $0.get() }
            #expect(results.filter { $0 == .created }.count == 5, "round \(round): \(results)")
            #expect(results.filter { $0 == .limitReached }.count == 7, "round \(round): \(results)")
            #expect(try await stores[0].listVaults(accountID: account, fromName: nil, limit: 100).count == 5)
            let existing = try #require(results.firstIndex(of: .created))
            #expect(try await stores[0].createVault(VaultRecord(accountID: account, name: "v\(existing)", createdAt: t0),
                                                    maximumPerAccount: 5) == .exists, "an existing vault is no refusal at the limit")
        }
    }

    /// Eight purchases of provisioned capacity race with room for two active units (one expired unit does not
    /// count): two are bought, six refused.
    static func racingCapacityPurchases(_ stores: [any Store]) async throws {
        let expired = ProvisionedCapacityRecord(id: "old", accountID: account, startDate: t0.addingTimeInterval(-90 * 86400),
                                                expirationDate: t0.addingTimeInterval(-60 * 86400))
        #expect(try await stores[0].insertProvisionedCapacity(expired, maximumActive: 2))
        let outcomes = await race(8, on: stores) { index, store in
            try await store.insertProvisionedCapacity(
                ProvisionedCapacityRecord(id: "unit-\(index)", accountID: account, startDate: t0, expirationDate: t0.addingTimeInterval(30 * 86400)),
                maximumActive: 2)
        }
        let bought = try outcomes.map { try $0.get() }.filter { $0 }.count
        #expect(bought == 2, "\(outcomes)")
        #expect(try await stores[0].provisionedCapacity(accountID: account).count == 3)
    }
}
