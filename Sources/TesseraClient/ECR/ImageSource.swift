import AsyncHTTPClient
import Foundation

/// Where ``ECRImagePull`` pulls an image from: its manifests by tag or digest, and its blobs as byte streams.
/// A private repository is read through the ECR API (``ECRAPIImageSource``), a public one through the
/// registry API, `/v2/` (``RegistryImageSource``), because the ECR Public API has no operation that reads.
public protocol ImageSource: Sendable {
    /// The policy a blob's download is retried under (each attempt fetches the blob whole).
    var retry: RetryPolicy { get }
    /// The repository and where it is, for messages.
    var location: String { get }
    /// A manifest as stored. `digest` is the one asked for, or the one the source names for a tag (checked
    /// against the bytes by the caller either way).
    func manifest(tag: String?, digest: String?) async throws -> PulledManifest
    /// One attempt at a blob: its bytes are handed to `consume` as they arrive.
    func streamBlob(_ digest: String, _ consume: (HTTPClientResponse.Body) async throws -> Void) async throws
}

/// A manifest's bytes as the source holds them, its media type when the source says, and its digest.
public struct PulledManifest: Sendable {
    public let bytes: Data
    public let mediaType: String?
    public let digest: String
}
