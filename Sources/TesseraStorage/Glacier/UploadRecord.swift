import Foundation
import TesseraCore

/// A Glacier multipart upload.
public struct UploadRecord: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case open
        /// Completed into this archive; a repeated Complete answers with it.
        case completed(archiveID: String)
        case aborted
    }

    public var id: String
    public var accountID: String
    public var vaultName: String
    public var description: String
    public var partSize: Int64
    public var createdAt: Date
    public var state: State

    public init(id: String, accountID: String, vaultName: String, description: String, partSize: Int64,
                createdAt: Date, state: State = .open) {
        self.id = id
        self.accountID = accountID
        self.vaultName = vaultName
        self.description = description
        self.partSize = partSize
        self.createdAt = createdAt
        self.state = state
    }
}

/// A part of a multipart upload that was fully received and verified.
public struct PartRecord: Sendable, Equatable {
    public var uploadID: String
    public var range: InclusiveByteRange
    public var treeHash: SHA256Value
    public var blob: SHA256Value

    public init(uploadID: String, range: InclusiveByteRange, treeHash: SHA256Value, blob: SHA256Value) {
        self.uploadID = uploadID
        self.range = range
        self.treeHash = treeHash
        self.blob = blob
    }
}
