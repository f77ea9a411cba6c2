import Foundation
import NIOCore
import TesseraCore
import TesseraResumableSHA256
import TesseraStorage

/// The OCI door's blob calls: upload sessions (chunks in order, status, cancel), monolithic uploads,
/// cross-repository mounts, and blob reads and deletes. The sessions are the same layer uploads as ECR's.
extension RegistryService {
    /// Starts an upload session (`POST /v2/NAME/blobs/uploads/`).
    public func startBlobUpload(_ record: RepositoryRecord) async throws -> String {
        let now = self.now
        let upload = LayerUploadRecord(id: UUID().uuidString.lowercased(), repositoryID: record.id, createdAt: now, updatedAt: now,
                                       hashState: ResumableSHA256().savedState)
        try await registryStorage { try await metadata.insertLayerUpload(upload) }
        return upload.id
    }

    /// How many bytes an upload session holds (`GET` on the session: `Range: 0-<n-1>`).
    public func blobUploadStatus(_ record: RepositoryRecord, uploadID: String) async throws -> Int64 {
        try await openUpload(uploadID, of: record).receivedBytes
    }

    /// Appends a chunk (`PATCH`, or the body of the final `PUT`): at `firstByte` when the request says where
    /// (`Content-Range`), else at the end. The chunk is hashed into the layer's SHA-256 as it streams.
    /// - Returns: the bytes the session holds afterwards.
    /// - Throws: ``RegistryError/partOutOfOrder(uploadID:expectedFirstByte:)`` for a chunk not at the end (416).
    public func appendBlobChunk<Body: AsyncSequence>(_ record: RepositoryRecord, uploadID: String, firstByte: Int64?,
                                                     declaredLength: Int64?, body: Body) async throws -> Int64 where Body.Element == ByteBuffer {
        let upload = try await openUpload(uploadID, of: record)
        let limits = limits(record.registry).chunked
        if let firstByte, firstByte != upload.receivedBytes {
            throw RegistryError.partOutOfOrder(uploadID: uploadID, expectedFirstByte: upload.receivedBytes)
        }
        let start = LayerHashStart(uploadID: uploadID, receivedBytes: upload.receivedBytes, state: upload.hashState)
        let part = try await receivePart(body, limit: limits.maximumLayerSize - upload.receivedBytes, first: start) { start }
        if let declaredLength, declaredLength != part.size {
            await discard(part)
            throw RegistryError.partLengthMismatch(uploadID: uploadID, firstByte: upload.receivedBytes,
                                                   lastByte: upload.receivedBytes + declaredLength - 1, length: part.size,
                                                   expectedFirstByte: upload.receivedBytes)
        }
        guard part.size > 0 else {
            await discard(part)
            return upload.receivedBytes
        }
        let first = firstByte ?? upload.receivedBytes
        return try await append(part, to: uploadID, of: record, firstByte: first, lastByte: first + part.size - 1, limits: limits) + 1
    }

    /// Ends a session (`PUT …?digest=`): the bytes must have `digest`; the blob is linked to the repository.
    /// A blob the repository already had is not an error here.
    public func finishBlobUpload(_ record: RepositoryRecord, uploadID: String, digest: ContentDigest) async throws {
        _ = try await complete(uploadID, of: record, expecting: [digest], limits: limits(record.registry).chunked)
    }

    /// Cancels a session (`DELETE` on it); its chunks go with the next garbage collection.
    public func cancelBlobUpload(_ record: RepositoryRecord, uploadID: String) async throws {
        _ = try await openUpload(uploadID, of: record)
        _ = try await registryStorage { try await metadata.cancelLayerUpload(id: uploadID) }
    }

    /// Links a blob of another repository to `record` without sending it again (`POST …?mount=D&from=R`), if
    /// the caller may pull it from there; false when it cannot be mounted (the client then uploads it).
    public func mountBlob(_ record: RepositoryRecord, digest: ContentDigest, from source: RepositoryRecord) async throws -> Bool {
        let linked = try await registryStorage { try await metadata.linkedBlobs(repositoryID: source.id, digests: [digest.string]) }
        guard let blob = linked.first else { return false }
        try await registryStorage { try await metadata.linkBlob(repositoryID: record.id, digest: blob.digest, mediaType: blob.mediaType, at: now) }
        return true
    }

    /// A blob of the repository, for `HEAD` and `GET` (layers, configs, and manifests by digest are separate).
    public func blob(_ record: RepositoryRecord, digest: ContentDigest) async throws -> LayerContent? {
        try await linkedLayer(repositoryID: record.id, digest: digest.string)
    }

    /// Unlinks a blob from the repository (`DELETE /v2/NAME/blobs/D`), unless an image there uses it.
    /// - Returns: false when the repository does not have it.
    public func deleteBlob(_ record: RepositoryRecord, digest: ContentDigest) async throws -> Bool {
        switch try await registryStorage({ try await metadata.unlinkBlob(repositoryID: record.id, digest: digest.string) }) {
        case .unlinked: return true
        case .notLinked: return false
        case .inUse: throw RegistryError.blobInUse(digest: digest.string)
        }
    }
}
