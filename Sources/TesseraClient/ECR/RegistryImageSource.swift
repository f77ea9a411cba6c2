import AsyncHTTPClient
import Foundation

/// A repository read through a registry's `/v2/` API, anonymously (``OCIRegistryClient``): how ECR Public
/// images are pulled.
public struct RegistryImageSource: ImageSource {
    public let registry: OCIRegistryClient
    public let name: String

    public init(registry: OCIRegistryClient, name: String) {
        self.registry = registry
        self.name = name
    }

    public var retry: RetryPolicy { registry.retry }
    public var location: String { "\(registry.registry.absoluteString)/\(name)" }

    public func manifest(tag: String?, digest: String?) async throws -> PulledManifest {
        try await retry.run(isRetryable: AWSServiceClient.isRetryable) { _ in
            try await registry.manifest(name: name, reference: digest ?? tag ?? "latest",
                                        accepting: ECRManifestMediaTypes.all)
        }
    }

    public func streamBlob(_ digest: String, _ consume: (HTTPClientResponse.Body) async throws -> Void) async throws {
        try await registry.blob(name: name, digest: digest, consume)
    }
}
