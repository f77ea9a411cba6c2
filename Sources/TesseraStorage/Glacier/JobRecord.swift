import Foundation
import TesseraCore

/// A Glacier job (archive or inventory retrieval).
public struct JobRecord: Sendable, Equatable {
    public enum Action: String, Sendable {
        case archiveRetrieval = "ArchiveRetrieval"
        case inventoryRetrieval = "InventoryRetrieval"
    }

    public var id: String
    public var accountID: String
    public var vaultName: String
    public var action: Action
    public var description: String?
    public var tier: String
    public var snsTopic: String?
    public var createdAt: Date
    /// When the job turns from InProgress to Succeeded.
    public var completesAt: Date
    /// Archive retrieval: the archive, its size and tree hash at initiation, and the retrieved range.
    public var archiveID: String?
    public var archiveSize: Int64?
    public var archiveTreeHash: SHA256Value?
    public var range: InclusiveByteRange?
    /// The tree hash of the retrieved range when it is tree-hash aligned, else nil.
    public var rangeTreeHash: SHA256Value?
    /// Inventory retrieval: the output blob (made at initiation), its size and format, and the filter parameters as JSON.
    public var outputBlob: SHA256Value?
    public var outputSize: Int64?
    public var format: String?
    public var inventoryParametersJSON: String?

    public init(id: String, accountID: String, vaultName: String, action: Action, description: String?,
                tier: String, snsTopic: String?, createdAt: Date, completesAt: Date) {
        self.id = id
        self.accountID = accountID
        self.vaultName = vaultName
        self.action = action
        self.description = description
        self.tier = tier
        self.snsTopic = snsTopic
        self.createdAt = createdAt
        self.completesAt = completesAt
    }
}

/// ListJobs filters.
public struct JobFilter: Sendable {
    public var completed: Bool?
    public var statusCode: String?
    public var now: Date
    /// Jobs that completed before this have expired and are not listed.
    public var expiredBefore: Date

    public init(completed: Bool?, statusCode: String?, now: Date, expiredBefore: Date) {
        self.completed = completed
        self.statusCode = statusCode
        self.now = now
        self.expiredBefore = expiredBefore
    }
}
