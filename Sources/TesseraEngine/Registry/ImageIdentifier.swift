/// An image as requests name it: by digest, by tag, or both (then they must agree).
public struct ImageIdentifier: Sendable, Equatable, Hashable {
    public var digest: String?
    public var tag: String?

    public init(digest: String? = nil, tag: String? = nil) {
        self.digest = digest
        self.tag = tag
    }
}

/// Why one image of a batch call failed (ECR's `ImageFailure`).
public struct ImageFailure: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case invalidImageDigest = "InvalidImageDigest"
        case invalidImageTag = "InvalidImageTag"
        case imageTagDoesNotMatchDigest = "ImageTagDoesNotMatchDigest"
        case imageNotFound = "ImageNotFound"
        case missingDigestAndTag = "MissingDigestAndTag"
        case imageReferencedByManifestList = "ImageReferencedByManifestList"
        /// An archived image, which cannot be pulled until it is restored.
        case imageInaccessible = "ImageInaccessible"
        /// Not in the model's enumeration: the image exists, but in no media type the caller accepts.
        case unsupportedImageType = "UnsupportedImageType"
    }

    public var imageID: ImageIdentifier
    public var code: Code
    public var reason: String

    public init(_ imageID: ImageIdentifier, _ code: Code, _ reason: String) {
        self.imageID = imageID
        self.code = code
        self.reason = reason
    }
}
