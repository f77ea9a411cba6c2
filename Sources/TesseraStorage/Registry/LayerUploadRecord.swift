import Foundation
import TesseraCore

/// A layer upload in progress: parts arrive strictly in order, so the state is how many bytes have arrived
/// and the SHA-256 of them so far, saved after every part (``ResumableSHA256/savedState``). Nothing of an
/// upload lives in process memory; any node can take its next part.
public struct LayerUploadRecord: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case open
        /// Completed as the layer with this digest.
        case completed(layerDigest: String)
    }

    public var id: String
    public var repositoryID: String
    public var createdAt: Date
    /// When the last part arrived (or the upload began); unfinished uploads expire from this.
    public var updatedAt: Date
    /// Bytes received: the first byte the next part must start at.
    public var receivedBytes: Int64
    public var partCount: Int64
    /// The SHA-256 state over the bytes received.
    public var hashState: [UInt8]
    public var state: State

    public init(id: String, repositoryID: String, createdAt: Date, updatedAt: Date, receivedBytes: Int64 = 0,
                partCount: Int64 = 0, hashState: [UInt8], state: State = .open) {
        self.id = id
        self.repositoryID = repositoryID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.receivedBytes = receivedBytes
        self.partCount = partCount
        self.hashState = hashState
        self.state = state
    }
}

/// One received part of a layer upload: a whole blob placed at `firstByte`.
public struct LayerPartRecord: Sendable, Equatable {
    public var uploadID: String
    /// 0 for the first part, then 1, 2, …
    public var position: Int64
    public var firstByte: Int64
    public var length: Int64
    public var blob: SHA256Value

    public init(uploadID: String, position: Int64, firstByte: Int64, length: Int64, blob: SHA256Value) {
        self.uploadID = uploadID
        self.position = position
        self.firstByte = firstByte
        self.length = length
        self.blob = blob
    }
}
