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
    public var segments: [ArchiveSegment]

    public init(id: String, accountID: String, vaultName: String, description: String, size: Int64,
                treeHash: SHA256Value, createdAt: Date, segments: [ArchiveSegment]) {
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

/// One blob's place in an archive.
public struct ArchiveSegment: Sendable, Equatable {
    public var blob: SHA256Value
    public var length: Int64

    public init(blob: SHA256Value, length: Int64) {
        self.blob = blob
        self.length = length
    }
}
