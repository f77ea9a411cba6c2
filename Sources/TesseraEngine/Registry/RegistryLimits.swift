/// The quotas and sizes of one kind of registry, from Amazon ECR's and ECR Public's service quotas pages
/// ("Amazon ECR service quotas", "Amazon ECR Public service quotas") and the API models' member limits.
public struct RegistryLimits: Sendable, Equatable {
    /// The part size InitiateLayerUpload advertises (real ECR answers 10 MiB).
    public var advertisedPartSize: Int64 = 10 << 20
    /// Parts other than the last must be at least this long (5 MiB).
    public var minimumPartSize: Int64 = 5 << 20
    /// The most bytes one UploadLayerPart carries (the model's `layerPartBlob` maximum, 20 MiB).
    public var maximumPartSize: Int64 = 20_971_520
    public var maximumParts: Int64
    public var maximumLayerSize: Int64
    /// Resource tags per repository.
    public var maximumTags = 50
    /// Longest repository name.
    public var maximumNameLength: Int
    /// Whether an upload may complete with no bytes (the OCI door's empty blob; ECR answers EmptyUploadException).
    public var allowsEmptyLayers = false

    /// ECR: 4,200 parts and 52,000 MiB a layer; names up to 256 characters.
    public static let privateRegistry = RegistryLimits(maximumParts: 4200, maximumLayerSize: 52_000 << 20, maximumNameLength: 256)
    /// ECR Public: 1,000 parts and 10,000 MiB a layer; names up to 205 characters.
    public static let publicRegistry = RegistryLimits(maximumParts: 1000, maximumLayerSize: 10_000 << 20, maximumNameLength: 205)
}

extension RegistryLimits {
    /// The limits of the OCI door's chunked uploads to a registry: chunks of any size (docker sends a whole layer
    /// in one PATCH, oras many small ones), up to the registry's layer size.
    public var chunked: RegistryLimits {
        var limits = self
        limits.minimumPartSize = 0
        limits.maximumPartSize = maximumLayerSize
        limits.maximumParts = 1_000_000
        limits.allowsEmptyLayers = true
        return limits
    }
}
