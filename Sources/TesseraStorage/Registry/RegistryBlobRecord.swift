/// The content of a registry blob (a layer or a config): its digest, size, and the stored blobs that hold
/// its bytes in order. A layer sent in one part is one segment whose blob is the layer itself.
public struct RegistryBlobRecord: Sendable, Equatable {
    /// `sha256:<hex>`.
    public var digest: String
    public var size: Int64
    public var segments: [BlobSegment]

    public init(digest: String, size: Int64, segments: [BlobSegment]) {
        self.digest = digest
        self.size = size
        self.segments = segments
    }
}

/// What unlinking a blob from a repository did.
public enum UnlinkOutcome: Sendable, Equatable {
    case unlinked
    /// The repository had no link to it.
    case notLinked
    /// An image of the repository references it: nothing changed.
    case inUse
}

/// A blob as a repository sees it: linked to the repository by an upload (or a push of the other door).
public struct LinkedBlob: Sendable, Equatable {
    public var digest: String
    public var size: Int64
    public var mediaType: String?

    public init(digest: String, size: Int64, mediaType: String?) {
        self.digest = digest
        self.size = size
        self.mediaType = mediaType
    }
}
