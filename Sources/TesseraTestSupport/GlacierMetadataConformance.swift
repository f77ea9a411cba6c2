import Foundation
import Testing
import TesseraCore
import TesseraStorage

/// The behaviour every ``GlacierMetadataStore`` backend must show. Each check uses its own account ids,
/// but is meant to run on a fresh store.
public enum GlacierMetadataConformance {
    public enum Check: String, CaseIterable, Sendable {
        case createVaultIsIdempotent
        case listVaultsIsOrderedAndPaged
        case deleteVaultOnlyWhenEmpty
        case settingUpdateRollsBackWhenChangeThrows
        case archiveInsertCountsAndDeleteUncounts
        case uploadPartsArePutAndReplaced
        case completeUploadInsertsArchiveAtomicallyOnce
        case completeUploadIntoMissingVaultLeavesUploadOpen
        case abortUploadDropsParts
        case jobsRoundTripAndListWithFilters
        case accountSettingsRoundTrip

        public func run(on store: any GlacierMetadataStore) async throws {
            typealias C = GlacierMetadataConformance
            switch self {
            case .createVaultIsIdempotent: try await C.createVault(store)
            case .listVaultsIsOrderedAndPaged: try await C.listVaults(store)
            case .deleteVaultOnlyWhenEmpty: try await C.deleteVault(store)
            case .settingUpdateRollsBackWhenChangeThrows: try await C.settingRollback(store)
            case .archiveInsertCountsAndDeleteUncounts: try await C.archiveCounting(store)
            case .uploadPartsArePutAndReplaced: try await C.putParts(store)
            case .completeUploadInsertsArchiveAtomicallyOnce: try await C.completeOnce(store)
            case .completeUploadIntoMissingVaultLeavesUploadOpen: try await C.completeIntoMissingVault(store)
            case .abortUploadDropsParts: try await C.abort(store)
            case .jobsRoundTripAndListWithFilters: try await C.jobs(store)
            case .accountSettingsRoundTrip: try await C.accountSettings(store)
            }
        }
    }

    /// Runs every check, each on a store from `make`.
    public static func runAll(_ make: () async throws -> any GlacierMetadataStore) async throws {
        for check in Check.allCases { try await check.run(on: make()) }
    }

    /// Whole seconds, so every backend stores them exactly.
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: Int) -> Date { t0.addingTimeInterval(TimeInterval(seconds)) }

    static func digest(_ text: String) -> SHA256Value { SHA256Value.of(Array(text.utf8)) }

    static func archive(_ id: String, account: String, vault: String, size: Int64, at seconds: Int) -> ArchiveRecord {
        ArchiveRecord(id: id, accountID: account, vaultName: vault, description: "archive \(id)", size: size,
                      treeHash: digest("tree \(id)"), createdAt: at(seconds),
                      segments: [BlobSegment(blob: digest("a \(id)"), length: size - 1), BlobSegment(blob: digest("b \(id)"), length: 1)])
    }

    static func isNotFound(_ error: StorageError?) -> Bool {
        if case .notFound? = error { return true }
        return false
    }

    static func isConflict(_ error: StorageError?) -> Bool {
        if case .conflict? = error { return true }
        return false
    }

    // MARK: vaults

    static func createVault(_ store: any GlacierMetadataStore) async throws {
        let vault = VaultRecord(accountID: "111111111111", name: "photos", createdAt: at(0))
        #expect(try await store.createVault(vault))
        #expect(try await !store.createVault(VaultRecord(accountID: "111111111111", name: "photos", createdAt: at(60))))
        let stored = try await store.vault(accountID: "111111111111", name: "photos")
        #expect(stored == vault, "a repeated create must not change the vault")
        #expect(stored?.archiveCount == 0 && stored?.sizeInBytes == 0 && stored?.lastInventoryAt == nil)
        #expect(try await store.vault(accountID: "222222222222", name: "photos") == nil, "vaults belong to one account")
        #expect(try await store.createVault(VaultRecord(accountID: "222222222222", name: "photos", createdAt: at(1))))
    }

    static func listVaults(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111112"
        for (offset, name) in ["c", "a", "d", "b"].enumerated() {
            _ = try await store.createVault(VaultRecord(accountID: account, name: name, createdAt: at(offset)))
        }
        _ = try await store.createVault(VaultRecord(accountID: "999999999999", name: "aa", createdAt: at(9)))
        func names(_ from: String?, _ limit: Int) async throws -> [String] {
            try await store.listVaults(accountID: account, fromName: from, limit: limit).map(\.name)
        }
        #expect(try await names(nil, 10) == ["a", "b", "c", "d"])
        #expect(try await names(nil, 2) == ["a", "b"])
        #expect(try await names("c", 2) == ["c", "d"], "fromName is inclusive")
        #expect(try await names("bb", 10) == ["c", "d"])
        #expect(try await names("e", 10) == [])
    }

    static func deleteVault(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111113"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "empty", createdAt: at(0)))
        #expect(try await store.deleteVaultIfEmpty(accountID: account, name: "empty"))
        #expect(try await store.vault(accountID: account, name: "empty") == nil)
        let missing = await #expect(throws: StorageError.self) { _ = try await store.deleteVaultIfEmpty(accountID: account, name: "empty") }
        #expect(isNotFound(missing), "deleting an absent vault is notFound, got \(String(describing: missing))")

        _ = try await store.createVault(VaultRecord(accountID: account, name: "full", createdAt: at(0)))
        try await store.insertArchive(archive("del-1", account: account, vault: "full", size: 10, at: 1))
        #expect(try await !store.deleteVaultIfEmpty(accountID: account, name: "full"))
        #expect(try await store.vault(accountID: account, name: "full") != nil)
        #expect(try await store.deleteArchive(accountID: account, vaultName: "full", id: "del-1", at: at(2)))
        #expect(try await store.deleteVaultIfEmpty(accountID: account, name: "full"))
    }

    struct RefusedChange: Error {}

    static func settingRollback(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111114"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        #expect(try await store.vaultSetting(accountID: account, vaultName: "v", kind: .tags) == nil)
        try await store.updateVaultSetting(accountID: account, vaultName: "v", kind: .tags) { current in
            #expect(current == nil)
            return #"{"k":"1"}"#
        }
        await #expect(throws: RefusedChange.self) {
            try await store.updateVaultSetting(accountID: account, vaultName: "v", kind: .tags) { current in
                #expect(current == #"{"k":"1"}"#)
                throw RefusedChange()
            }
        }
        #expect(try await store.vaultSetting(accountID: account, vaultName: "v", kind: .tags) == #"{"k":"1"}"#,
                "a change closure that throws leaves the document as it was")
        #expect(try await store.vaultSetting(accountID: account, vaultName: "v", kind: .accessPolicy) == nil, "kinds are separate")
        try await store.updateVaultSetting(accountID: account, vaultName: "v", kind: .tags) { _ in #"{"k":"2"}"# }
        #expect(try await store.vaultSetting(accountID: account, vaultName: "v", kind: .tags) == #"{"k":"2"}"#)
        try await store.updateVaultSetting(accountID: account, vaultName: "v", kind: .tags) { _ in nil }
        #expect(try await store.vaultSetting(accountID: account, vaultName: "v", kind: .tags) == nil, "nil deletes")
    }

    // MARK: archives

    static func archiveCounting(_ store: any GlacierMetadataStore) async throws {
        let account = "111111111115"
        _ = try await store.createVault(VaultRecord(accountID: account, name: "v", createdAt: at(0)))
        let first = archive("arc-1", account: account, vault: "v", size: 10, at: 5)
        let second = archive("arc-2", account: account, vault: "v", size: 20, at: 6)
        try await store.insertArchive(second)
        try await store.insertArchive(first)
        var vault = try await store.vault(accountID: account, name: "v")
        #expect(vault?.archiveCount == 2)
        #expect(vault?.sizeInBytes == 30)
        #expect(try await store.archive(accountID: account, vaultName: "v", id: "arc-1") == first)
        #expect(try await store.archive(accountID: account, vaultName: "other", id: "arc-1") == nil)
        #expect(try await store.listArchives(accountID: account, vaultName: "v").map(\.id) == ["arc-1", "arc-2"], "oldest first")

        #expect(try await store.deleteArchive(accountID: account, vaultName: "v", id: "arc-1", at: at(100)))
        vault = try await store.vault(accountID: account, name: "v")
        #expect(vault?.archiveCount == 1)
        #expect(vault?.sizeInBytes == 20)
        #expect(vault?.lastInventoryAt == at(100))
        #expect(try await !store.deleteArchive(accountID: account, vaultName: "v", id: "arc-1", at: at(101)), "a second delete is a no-op")
        #expect(try await store.vault(accountID: account, name: "v")?.archiveCount == 1, "and does not uncount twice")
        #expect(try await store.archive(accountID: account, vaultName: "v", id: "arc-1") == nil)
        #expect(try await store.archiveSegments(id: "arc-1") == first.segments, "a deleted archive's segments stay readable")
        #expect(try await store.archiveExisted(accountID: account, vaultName: "v", id: "arc-1"), "a deleted archive existed in its vault")
        #expect(try await !store.archiveExisted(accountID: account, vaultName: "other", id: "arc-1"), "but in no other vault")
        #expect(try await !store.archiveExisted(accountID: "999999999999", vaultName: "v", id: "arc-1"), "nor another account's")
        #expect(try await store.listArchives(accountID: account, vaultName: "v").map(\.id) == ["arc-2"])

        let orphan = await #expect(throws: StorageError.self) {
            try await store.insertArchive(archive("arc-3", account: account, vault: "absent", size: 5, at: 7))
        }
        #expect(isNotFound(orphan), "an archive needs its vault, got \(String(describing: orphan))")
        #expect(try await store.archiveSegments(id: "arc-3").isEmpty)
    }
}
