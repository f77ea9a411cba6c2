import Foundation
import TesseraCore

/// An archive: metadata plus the ordered blobs that make up its bytes.
public struct ArchiveRecord: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var vaultName: String
    public var description: String
    public var size: Int64
    public var treeHash: SHA256Value
    public var createdAt: Date
    /// The archive's bytes, in order: each a whole blob.
    public var segments: [BlobSegment]

    public init(id: String, accountID: String, vaultName: String, description: String, size: Int64,
                treeHash: SHA256Value, createdAt: Date, segments: [BlobSegment]) {
        self.id = id
        self.accountID = accountID
        self.vaultName = vaultName
        self.description = description
        self.size = size
        self.treeHash = treeHash
        self.createdAt = createdAt
        self.segments = segments
    }
}
