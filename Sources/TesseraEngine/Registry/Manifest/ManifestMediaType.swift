/// The manifest media types this registry stores (Docker Image Manifest V2 Schema 2 and manifest list; the OCI
/// image spec 1.1 image manifest and index).
public enum ManifestMediaType {
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"

    /// Image manifests: a config and layers.
    public static let images: Set<String> = [dockerManifest, ociManifest]
    /// Indexes: a list of manifests.
    public static let indexes: Set<String> = [dockerManifestList, ociIndex]
    public static let all = images.union(indexes)
}
