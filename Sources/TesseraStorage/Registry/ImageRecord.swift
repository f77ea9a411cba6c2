import Foundation

/// An image in a repository: a manifest stored byte for byte under its digest, with what it references.
public struct ImageRecord: Sendable, Equatable {
    public var repositoryID: String
    /// `sha256:<hex>` of the manifest bytes exactly as pushed.
    public var digest: String
    public var manifest: String
    public var mediaType: String
    /// The config blob's media type (ECR's `artifactMediaType`).
    public var artifactMediaType: String?
    /// OCI 1.1 `artifactType`.
    public var artifactType: String?
    /// OCI 1.1 `subject` digest: the image this one refers to (a signature, an SBOM …).
    public var subject: String?
    /// Sum of the sizes of the config and layers (for an index: the largest of the images it lists).
    public var size: Int64
    public var pushedAt: Date
    public var lastPulledAt: Date?
    /// `ACTIVE` or `ARCHIVED`.
    public var status: String
    /// When the image was last archived, and last restored from the archive.
    public var lastArchivedAt: Date?
    public var lastActivatedAt: Date?
    /// Digests this image needs: blobs (config, layers) and manifests (an index's images).
    public var references: [ImageReference]

    public init(repositoryID: String, digest: String, manifest: String, mediaType: String, artifactMediaType: String?,
                artifactType: String?, subject: String?, size: Int64, pushedAt: Date, lastPulledAt: Date? = nil,
                status: String = "ACTIVE", lastArchivedAt: Date? = nil, lastActivatedAt: Date? = nil,
                references: [ImageReference] = []) {
        self.repositoryID = repositoryID
        self.digest = digest
        self.manifest = manifest
        self.mediaType = mediaType
        self.artifactMediaType = artifactMediaType
        self.artifactType = artifactType
        self.subject = subject
        self.size = size
        self.pushedAt = pushedAt
        self.lastPulledAt = lastPulledAt
        self.status = status
        self.lastArchivedAt = lastArchivedAt
        self.lastActivatedAt = lastActivatedAt
        self.references = references
    }
}

/// Something an image's manifest names and needs present in its repository.
public struct ImageReference: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        /// A config or layer blob.
        case blob
        /// An image listed by an index or manifest list.
        case manifest
    }

    public var digest: String
    public var kind: Kind
    /// The media type the manifest gives it.
    public var mediaType: String?

    public init(digest: String, kind: Kind, mediaType: String? = nil) {
        self.digest = digest
        self.kind = kind
        self.mediaType = mediaType
    }
}

/// An image with its tags, as listings return it.
public struct TaggedImage: Sendable, Equatable {
    public var image: ImageRecord
    /// Sorted.
    public var tags: [String]

    public init(image: ImageRecord, tags: [String]) {
        self.image = image
        self.tags = tags
    }
}

/// What storing an image (with an optional tag) did.
public enum PutImageOutcome: Sendable, Equatable {
    /// Stored; `previousTagTarget` is the image the tag pointed at before, if it moved.
    case stored(imageIsNew: Bool, previousTagTarget: String?)
    /// The image is already there with this tag (or untagged and no tag was given): nothing changed.
    case alreadyExists
    /// The tag points at another image and may not move: nothing changed.
    case tagHeld(by: String)
    /// Blobs the image references are no longer linked to the repository (an expiry pass unlinked them since
    /// they were checked): nothing changed.
    case blobsMissing([String])
}

/// What deleting an image by digest did.
public enum DeleteImageOutcome: Sendable, Equatable {
    /// Deleted, with the tags it had.
    case deleted(tags: [String])
    case notFound
    /// An index in the repository lists it; nothing changed.
    case referencedByIndex([String])
}

/// The recorded outcome of an image scan.
public struct ImageScanRecord: Sendable, Equatable {
    public var repositoryID: String
    public var digest: String
    /// ECR's scan status (`COMPLETE`, `FAILED`, …).
    public var status: String
    public var description: String
    public var completedAt: Date

    public init(repositoryID: String, digest: String, status: String, description: String, completedAt: Date) {
        self.repositoryID = repositoryID
        self.digest = digest
        self.status = status
        self.description = description
        self.completedAt = completedAt
    }
}

/// A position in a listing of images: their push time (to the millisecond) and digest, which order them.
public struct ImageCursor: Sendable, Equatable {
    public var pushedAt: Date
    public var digest: String

    public init(pushedAt: Date, digest: String) {
        self.pushedAt = pushedAt
        self.digest = digest
    }

    /// The position of an image.
    public init(_ image: ImageRecord) {
        self.init(pushedAt: image.pushedAt, digest: image.digest)
    }
}
