/// What the registry service refuses, as facts. Each door (ECR, ECR Public, later OCI) turns every case,
/// in one exhaustive switch, into its own wire error and words: an out-of-order part is
/// ``partOutOfOrder(uploadID:expectedFirstByte:)`` here, `InvalidLayerPartException` with
/// `lastValidByteReceived` in ECR, 416 with a `Range` header in the OCI API.
public enum RegistryError: Error, Sendable, Equatable {
    /// A request member breaks a rule of its shape (pattern, length, range, required); `constraint` says which.
    case invalidParameter(member: String, constraint: String)
    /// A request is inconsistent in a way no single member shows; the text says how.
    case invalidRequest(String)
    case repositoryNotFound(registryID: String, name: String)
    case repositoryAlreadyExists(registryID: String, name: String)
    case repositoryNotEmpty(registryID: String, name: String)
    /// Another account's repository that no policy lets the caller use (whether or not it exists).
    case accessDenied(callerAccount: String, action: String, resource: String)
    case uploadNotFound(uploadID: String, repositoryName: String)
    /// A part must start where the upload stands: `expectedFirstByte` bytes have arrived.
    case partOutOfOrder(uploadID: String, expectedFirstByte: Int64)
    /// The part's byte range and its length disagree.
    case partLengthMismatch(uploadID: String, firstByte: Int64, lastByte: Int64, length: Int64, expectedFirstByte: Int64)
    /// A part other than the last is smaller than the minimum.
    case partTooSmall(uploadID: String, position: Int64, length: Int64, minimum: Int64)
    case emptyUpload(uploadID: String)
    /// The digest the client gave is not the digest of the bytes that arrived.
    case layerDigestMismatch(given: String, computed: String)
    /// A digest string that is not one, or of an algorithm the operation does not take.
    case invalidDigest(String)
    case layerAlreadyExists(digest: String)
    /// A quota (parts of an upload, bytes of a layer, tags of a repository …); the text says which and its value.
    case limitExceeded(String)
    case tooManyTags(limit: Int)
    /// A resource tag key or value that breaks the tagging rules; the text says which.
    case invalidTag(String)
    case layersNotFound(digests: [String], registryID: String, repositoryName: String)
    case layerInaccessible(digest: String)
    /// A blob an image of the repository still uses cannot be deleted on its own.
    case blobInUse(digest: String)
    case referencedImagesNotFound(digests: [String])
    /// The manifest is not JSON, or not a manifest this registry stores; the text says what is wrong.
    case invalidManifest(String)
    case imageDigestMismatch(given: String, computed: String, repositoryName: String, registryID: String)
    case imageAlreadyExists(digest: String, tag: String?, repositoryName: String, registryID: String)
    case imageTagAlreadyExists(tag: String, repositoryName: String, heldBy: String)
    case imageNotFound(ImageIdentifier, repositoryName: String, registryID: String)
    /// An archived image cannot be scanned or pulled until it is restored.
    case imageArchived(digest: String)
    /// An image an index of the repository lists cannot be deleted while the index stays.
    case imageReferencedByIndex(digest: String, indexes: [String])
    /// A settings document that was never set (kind: repository policy, lifecycle policy, registry policy …).
    case settingNotFound(kind: SettingKind, registryID: String, repositoryName: String?)
    /// A policy or configuration document that does not satisfy its rules; the text says which.
    case invalidDocument(kind: SettingKind, reason: String)
    case templateAlreadyExists(prefix: String)
    case templateNotFound(prefix: String)
    case pullThroughCacheRuleAlreadyExists(prefix: String)
    case pullThroughCacheRuleNotFound(prefix: String)
    case scanNotFound(digest: String, repositoryName: String)
    case lifecyclePreviewNotFound(repositoryName: String)
    /// The registry alias of an ECR Public call names no registry of the caller.
    case registryNotFound(String)
    /// A stored blob failed its digest check or a backend failed; never the client's fault.
    case storageFailure(String)
    /// The disk is full or below the free-space floor; the same request succeeds once space is freed.
    case outOfSpace(String)

    /// Documents the registry keeps per repository or per registry.
    public enum SettingKind: String, Sendable {
        case repositoryPolicy, lifecyclePolicy, registryPolicy, signingConfiguration, replicationConfiguration
        case scanningConfiguration, catalogData
    }
}
