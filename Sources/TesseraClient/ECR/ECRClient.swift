import Foundation
import NIOCore

/// The Amazon ECR API (JSON 1.1) operations a push and a pull need.
public struct ECRClient: Sendable {
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    /// The registry password and the registry's address (`proxyEndpoint`).
    public func authorizationToken() async throws -> (user: String, password: String, proxyEndpoint: String) {
        let answer = try await call("GetAuthorizationToken", [:])
        guard let data = (answer["authorizationData"] as? [[String: Any]])?.first,
              let token = data["authorizationToken"] as? String,
              let decoded = Data(base64Encoded: token).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":") else {
            throw malformed("GetAuthorizationToken returned no usable token")
        }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]),
                data["proxyEndpoint"] as? String ?? service.endpoint.absoluteString)
    }

    /// The digests among `digests` that the repository already holds.
    public func availableLayers(repository: String, digests: [String]) async throws -> Set<String> {
        var available: Set<String> = []
        for batch in stride(from: 0, to: digests.count, by: 100).map({ Array(digests[$0..<min($0 + 100, digests.count)]) }) {
            let answer = try await call("BatchCheckLayerAvailability", ["repositoryName": repository, "layerDigests": batch])
            for layer in answer["layers"] as? [[String: Any]] ?? [] where layer["layerAvailability"] as? String == "AVAILABLE" {
                if let digest = layer["layerDigest"] as? String { available.insert(digest) }
            }
        }
        return available
    }

    public func initiateLayerUpload(repository: String) async throws -> (uploadID: String, partSize: Int64) {
        let answer = try await call("InitiateLayerUpload", ["repositoryName": repository])
        guard let id = answer["uploadId"] as? String else { throw malformed("InitiateLayerUpload returned no uploadId") }
        return (id, (answer["partSize"] as? NSNumber)?.int64Value ?? 10 << 20)
    }

    /// Sends one part (its body made as it is sent by ``ECRLayerPartBody``); returns the last byte the registry
    /// has received.
    public func uploadLayerPart(_ body: ECRLayerPartBody) async throws -> Int64 {
        let answer = try await send("UploadLayerPart", generated: body)
        guard let received = (answer["lastByteReceived"] as? NSNumber)?.int64Value else {
            throw malformed("UploadLayerPart returned no lastByteReceived")
        }
        return received
    }

    public func completeLayerUpload(repository: String, uploadID: String, digest: String) async throws {
        _ = try await call("CompleteLayerUpload", ["repositoryName": repository, "uploadId": uploadID,
                                                   "layerDigests": [digest]])
    }

    /// Stores a manifest under a tag, or by digest only when `tag` is nil; returns the image digest.
    public func putImage(repository: String, manifest: String, mediaType: String?, tag: String?,
                         digest: String?) async throws -> String {
        var request: [String: Any] = ["repositoryName": repository, "imageManifest": manifest]
        if let mediaType { request["imageManifestMediaType"] = mediaType }
        if let tag { request["imageTag"] = tag }
        if let digest { request["imageDigest"] = digest }
        let answer = try await call("PutImage", request)
        guard let image = answer["image"] as? [String: Any], let id = image["imageId"] as? [String: Any],
              let stored = id["imageDigest"] as? String else { throw malformed("PutImage returned no image digest") }
        return stored
    }

    /// A manifest by tag or digest: its bytes as stored, media type and digest.
    public func image(repository: String, tag: String?, digest: String?) async throws
        -> (manifest: String, mediaType: String?, digest: String) {
        var id: [String: String] = [:]
        if let tag { id["imageTag"] = tag }
        if let digest { id["imageDigest"] = digest }
        let answer = try await call("BatchGetImage", [
            "repositoryName": repository, "imageIds": [id],
            "acceptedMediaTypes": ECRManifestMediaTypes.all,
        ])
        guard let image = (answer["images"] as? [[String: Any]])?.first, let manifest = image["imageManifest"] as? String,
              let stored = (image["imageId"] as? [String: Any])?["imageDigest"] as? String else {
            let failure = (answer["failures"] as? [[String: Any]])?.first
            throw AWSServiceError(status: 400, code: failure?["failureCode"] as? String ?? "ImageNotFoundException",
                                  message: failure?["failureReason"] as? String
                                      ?? "The image \(tag ?? digest ?? "") does not exist in \(repository)")
        }
        return (manifest, image["imageManifestMediaType"] as? String, stored)
    }

    public func downloadURL(repository: String, digest: String) async throws -> URL {
        let answer = try await call("GetDownloadUrlForLayer", ["repositoryName": repository, "layerDigest": digest])
        guard let text = answer["downloadUrl"] as? String, let url = URL(string: text) else {
            throw malformed("GetDownloadUrlForLayer returned no downloadUrl")
        }
        return url
    }

    // MARK: - JSON 1.1

    func call(_ operation: String, _ request: [String: Any]) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: request)
        return try await send(operation, body: [ByteBuffer(bytes: body)])
    }

    func send(_ operation: String, body: [ByteBuffer] = [], generated: (any AWSGeneratedBody)? = nil) async throws
        -> [String: Any] {
        let target = service.service == .ecrPublic ? "SpencerFrontendService" : "AmazonEC2ContainerRegistry_V20150921"
        let request = AWSRequest(method: "POST", path: "/",
                                 headers: [("X-Amz-Target", "\(target).\(operation)"),
                                           ("Content-Type", "application/x-amz-json-1.1")],
                                 body: body, generatedBody: generated)
        let response = try await service.send(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw malformed("\(operation) answered with something that is not a JSON object")
        }
        return object
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private func malformed(_ detail: String) -> AWSTransportError {
        AWSTransportError(.malformedResponse, endpoint: service.endpoint.absoluteString, detail: detail)
    }
}

/// The manifest media types a pull accepts, and how to tell an index from an image.
public enum ECRManifestMediaTypes {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let all = [ociManifest, ociIndex, dockerManifest, dockerList]

    public static func isIndex(_ mediaType: String?) -> Bool {
        mediaType == ociIndex || mediaType == dockerList
    }
}
