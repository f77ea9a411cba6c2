import AsyncHTTPClient
import Foundation

/// A private repository, read through the ECR API: BatchGetImage for manifests, and each blob from the URL
/// GetDownloadUrlForLayer hands out.
public struct ECRAPIImageSource: ImageSource {
    public let ecr: ECRClient
    public let repository: String

    public init(ecr: ECRClient, repository: String) {
        self.ecr = ecr
        self.repository = repository
    }

    public var retry: RetryPolicy { ecr.service.retry }
    public var location: String { "\(repository) at \(ecr.service.endpoint.absoluteString)" }

    public func manifest(tag: String?, digest: String?) async throws -> PulledManifest {
        let image = try await ecr.image(repository: repository, tag: tag, digest: digest)
        return PulledManifest(bytes: Data(image.manifest.utf8), mediaType: image.mediaType, digest: image.digest)
    }

    public func streamBlob(_ digest: String, _ consume: (HTTPClientResponse.Body) async throws -> Void) async throws {
        let url = try await ecr.downloadURL(repository: repository, digest: digest)
        try await ecr.service.fetch(url, consume)
    }
}
