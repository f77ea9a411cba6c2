import Foundation
import TesseraCore
import TesseraStorage

/// One digest's answer in BatchCheckLayerAvailability.
public enum LayerAvailability: Sendable, Equatable {
    case available(LinkedBlob)
    case unavailable(digest: String)
    /// The entry is not a digest (`InvalidLayerDigest`) or empty (`MissingLayerDigest`).
    case failure(digest: String, code: String, reason: String)
}

/// A layer ready to stream: its size and the blobs that hold it.
public struct LayerContent: Sendable {
    public let digest: String
    public let size: Int64
    public let segments: [BlobSegment]
}

extension RegistryService {
    /// BatchCheckLayerAvailability: which of `digests` this repository holds (a completed upload counts, as
    /// pushes rely on it to skip layers).
    public func batchCheckLayerAvailability(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                            digests: [String]) async throws -> [LayerAvailability] {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "BatchCheckLayerAvailability")
        guard (1...100).contains(digests.count) else {
            throw RegistryError.invalidParameter(member: "layerDigests", constraint: "must have between 1 and 100 members")
        }
        let valid = digests.filter { ContentDigest($0) != nil }
        let linked = try await registryStorage { try await metadata.linkedBlobs(repositoryID: record.id, digests: valid) }
        return digests.map { digest in
            if digest.isEmpty { return .failure(digest: digest, code: "MissingLayerDigest", reason: "The layer digest is empty") }
            guard ContentDigest(digest) != nil else {
                return .failure(digest: digest, code: "InvalidLayerDigest", reason: "The layer digest is not a valid sha256 digest")
            }
            return linked.first(where: { $0.digest == digest }).map { .available($0) } ?? .unavailable(digest: digest)
        }
    }

    /// GetDownloadUrlForLayer: a token for this server's download route, bound to the layer and repository.
    /// - Returns: the repository's id and the token (the door builds the URL from the address the client used).
    public func getDownloadURLForLayer(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                       digest: String) async throws -> (repositoryID: String, token: String) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "GetDownloadUrlForLayer")
        guard ContentDigest(digest) != nil else { throw RegistryError.invalidDigest(digest) }
        let linked = try await registryStorage { try await metadata.linkedBlobs(repositoryID: record.id, digests: [digest]) }
        guard !linked.isEmpty else { throw RegistryError.layersNotFound(digests: [digest], registryID: record.accountID, repositoryName: name) }
        // ECR serves only layers an image uses; others may be cleaned up at any time.
        guard try await registryStorage({ try await metadata.isReferenced(repositoryID: record.id, digest: digest) }) else {
            throw RegistryError.layerInaccessible(digest: digest)
        }
        let token = tokens.downloadToken(repositoryID: record.id, digest: digest, expiry: now.addingTimeInterval(RegistryTokens.downloadLifetime))
        return (record.id, token)
    }

    /// The layer a download URL names, if its token is genuine and current and the layer still linked.
    public func downloadableLayer(repositoryID: String, digest: String, token: String) async throws -> LayerContent? {
        guard tokens.verifyDownloadToken(token, repositoryID: repositoryID, digest: digest, now: now) else { return nil }
        return try await linkedLayer(repositoryID: repositoryID, digest: digest)
    }

    /// A layer linked to a repository, with its segments.
    func linkedLayer(repositoryID: String, digest: String) async throws -> LayerContent? {
        let linked = try await registryStorage { try await metadata.linkedBlobs(repositoryID: repositoryID, digests: [digest]) }
        guard !linked.isEmpty, let blob = try await registryStorage({ try await metadata.registryBlob(digest: digest) }) else { return nil }
        return LayerContent(digest: digest, size: blob.size, segments: blob.segments)
    }

    /// Streams `range` (the whole layer when nil) of a layer; every segment read checks its own digest. The
    /// first segment is opened here, so a store that cannot serve it fails the request before its response begins.
    public func read(_ layer: LayerContent, range: Range<Int64>?) async throws -> any BlobReader {
        try await registryStorage {
            try await ConcatenatedBlobReader.opened(blobs: blobs, segments: layer.segments, range: range ?? 0..<layer.size)
        }
    }

    /// GetAuthorizationToken: a password for the caller's account and when it expires.
    public func authorizationToken(_ caller: RegistryCaller) -> (password: String, expiresAt: Date) {
        let expiry = now.addingTimeInterval(RegistryTokens.passwordLifetime)
        return (tokens.password(accountID: caller.accountID, expiry: expiry), expiry)
    }
}
