import Crypto
import Foundation
import NIOCore
import TesseraCore
import TesseraResumableSHA256
import TesseraStorage

/// Where an upload stood when a part began to stream: its byte count and the SHA-256 state over those bytes.
public struct LayerHashStart: Sendable {
    public let uploadID: String
    public let receivedBytes: Int64
    let state: [UInt8]
}

/// A part's bytes, staged and hashed, not yet committed: hand it to ``RegistryService/uploadLayerPart`` or
/// ``RegistryService/discard(_:)``.
public struct ReceivedLayerPart: Sendable {
    let streamed: BlobIngest.Streamed
    /// The layer's SHA-256 continued over this part, when the upload's state was known as it streamed.
    let continued: (start: LayerHashStart, after: ResumableSHA256)?
    public var size: Int64 { streamed.size }
}

extension BlobIngest.Streamed: @unchecked Sendable {}

extension RegistryService {
    /// InitiateLayerUpload. Returns the upload id and the part size to use.
    public func initiateLayerUpload(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind,
                                    name: String) async throws -> (uploadID: String, partSize: Int64) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "InitiateLayerUpload")
        let now = self.now
        let upload = LayerUploadRecord(id: UUID().uuidString.lowercased(), repositoryID: record.id, createdAt: now, updatedAt: now,
                                       hashState: ResumableSHA256().savedState)
        try await registryStorage { try await metadata.insertLayerUpload(upload) }
        return (upload.id, limits(registry).advertisedPartSize)
    }

    /// The state a part of `uploadID` continues from, if the upload is open; nil otherwise (the part is then
    /// refused or hashed later, by ``uploadLayerPart``). Reveals nothing: the caller only uses it to hash.
    public func layerHashStart(uploadID: String) async -> LayerHashStart? {
        guard let upload = try? await metadata.layerUpload(id: uploadID), upload.state == .open,
              upload.updatedAt.addingTimeInterval(uploadExpiry) > now else { return nil }
        return LayerHashStart(uploadID: uploadID, receivedBytes: upload.receivedBytes, state: upload.hashState)
    }

    /// Streams a part's bytes into staging, hashing them as the part's own address and, when `start` can name
    /// the upload's state before the first byte is hashed, as the continuation of the layer's SHA-256.
    /// - Throws: ``RegistryError/limitExceeded(_:)`` past the largest part.
    public func receiveLayerPart<Body: AsyncSequence>(
        _ body: Body, _ registry: RegistryKind, start: () async -> LayerHashStart?
    ) async throws -> ReceivedLayerPart where Body.Element == ByteBuffer {
        do {
            return try await receivePart(body, limit: limits(registry).maximumPartSize, start: start)
        } catch RegistryError.limitExceeded {
            throw RegistryError.invalidParameter(member: "layerPartBlob",
                                                 constraint: "must have length less than or equal to \(limits(registry).maximumPartSize)")
        }
    }

    /// Streams a part of at most `limit` bytes (see ``receiveLayerPart(_:_:start:)``). `first`, when the caller
    /// knows before the body streams that the part starts a layer, makes the part's address and the layer's
    /// digest one SHA-256 computation.
    func receivePart<Body: AsyncSequence>(
        _ body: Body, limit: Int64, first: LayerHashStart? = nil, start: () async -> LayerHashStart?
    ) async throws -> ReceivedLayerPart where Body.Element == ByteBuffer {
        if let first, first.receivedBytes == 0 {
            let streamed = try await staging(limit: limit) { try await ingest.stream(body, limit: limit, resumable: true) { _ in } }
            return ReceivedLayerPart(streamed: streamed, continued: streamed.state.map { (first, $0) })
        }
        var begun: LayerHashStart?
        var layer: ResumableSHA256?
        let streamed = try await staging(limit: limit) {
            try await ingest.stream(body, limit: limit, prepare: {
                begun = await start()
                layer = begun.flatMap { ResumableSHA256(savedState: $0.state) }
            }, observe: { layer?.update($0) })
        }
        if streamed.size == 0, begun == nil { begun = await start() }
        let hasher = layer ?? begun.flatMap { ResumableSHA256(savedState: $0.state) }
        guard let begun, let hasher else { return ReceivedLayerPart(streamed: streamed, continued: nil) }
        return ReceivedLayerPart(streamed: streamed, continued: (begun, hasher))
    }

    /// Runs one staging of a part, naming its failures as the registry does: too long, or the storage failed.
    private func staging(limit: Int64, _ stream: () async throws -> BlobIngest.Streamed) async throws -> BlobIngest.Streamed {
        do {
            return try await stream()
        } catch is BlobIngest.IngestOverrun {
            throw RegistryError.limitExceeded("A layer part may be at most \(limit) bytes")
        } catch let error as EngineError {
            throw RegistryError(error)
        }
    }

    /// Throws a received part away.
    public func discard(_ part: ReceivedLayerPart) async {
        await part.streamed.staging.discard()
    }

    /// UploadLayerPart: keeps `part` as the bytes `firstByte...lastByte` of the upload, if that is where the
    /// upload stands. Consumes `part` (committed or discarded).
    /// - Returns: the last byte received.
    public func uploadLayerPart(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                uploadID: String, firstByte: Int64, lastByte: Int64, part: ReceivedLayerPart) async throws -> Int64 {
        let record: RepositoryRecord
        do {
            record = try await repository(caller, registryID: registryID, registry, name, action: "UploadLayerPart")
        } catch {
            await discard(part)
            throw error
        }
        return try await append(part, to: uploadID, of: record, firstByte: firstByte, lastByte: lastByte, limits: limits(registry))
    }

    /// Keeps `part` as the bytes `firstByte...lastByte` of an upload of `record`, if that is where the upload
    /// stands, under `limits`. Consumes `part`. Returns the last byte received.
    func append(_ part: ReceivedLayerPart, to uploadID: String, of record: RepositoryRecord, firstByte: Int64, lastByte: Int64,
                limits: RegistryLimits) async throws -> Int64 {
        let upload: LayerUploadRecord
        do {
            upload = try await openUpload(uploadID, of: record)
            if firstByte < upload.receivedBytes, try await isRepeat(upload, firstByte: firstByte, part: part) {
                await discard(part)
                return upload.receivedBytes - 1
            }
            try LayerUploadRules.checkPart(upload, firstByte: firstByte, lastByte: lastByte, length: part.size, limits: limits)
            try await registryStorage { try await blobs.commit(part.streamed.staging, as: part.streamed.digest) }
        } catch {
            await discard(part)
            throw error
        }
        let after = try await layerHash(after: part, upload: upload)
        let row = LayerPartRecord(uploadID: uploadID, position: upload.partCount, firstByte: firstByte, length: part.size,
                                  blob: part.streamed.digest)
        guard try await registryStorage({ try await metadata.appendLayerPart(row, hashState: after.savedState, at: now) }) else {
            // Another part or a completion moved the upload while this one streamed.
            let current = try await openUpload(uploadID, of: record)
            if try await isRepeat(current, firstByte: firstByte, part: part) { return current.receivedBytes - 1 }
            throw RegistryError.partOutOfOrder(uploadID: uploadID, expectedFirstByte: current.receivedBytes)
        }
        return lastByte
    }

    /// The layer's SHA-256 state after `part`: continued as it streamed when that started from this upload's
    /// state, else by reading the committed part once.
    func layerHash(after part: ReceivedLayerPart, upload: LayerUploadRecord) async throws -> ResumableSHA256 {
        if let continued = part.continued, continued.start.receivedBytes == upload.receivedBytes,
           continued.start.state == upload.hashState {
            return continued.after
        }
        guard var hasher = ResumableSHA256(savedState: upload.hashState) else {
            throw RegistryError.storageFailure("upload \(upload.id) has an unreadable hash state")
        }
        let reader = try await registryStorage { try await blobs.read(part.streamed.digest, range: nil) }
        while let buffer = try await registryStorage({ try await reader.next() }) {
            buffer.withUnsafeReadableBytes { hasher.update($0) }
        }
        return hasher
    }

    func isRepeat(_ upload: LayerUploadRecord, firstByte: Int64, part: ReceivedLayerPart) async throws -> Bool {
        guard upload.partCount > 0 else { return false }
        let parts = try await registryStorage { try await metadata.layerParts(uploadID: upload.id) }
        return LayerUploadRules.isRepeatOfLastPart(parts.last, firstByte: firstByte, length: part.size, blob: part.streamed.digest)
    }

    /// The open upload `uploadID` of `record`; any other (another repository's, completed, expired) is not found.
    func openUpload(_ uploadID: String, of record: RepositoryRecord) async throws -> LayerUploadRecord {
        let upload = try await registryStorage { try await metadata.layerUpload(id: uploadID) }
        guard let upload, upload.repositoryID == record.id, upload.state == .open,
              upload.updatedAt.addingTimeInterval(uploadExpiry) > now else {
            throw RegistryError.uploadNotFound(uploadID: uploadID, repositoryName: record.name)
        }
        return upload
    }

    /// CompleteLayerUpload: the parts must be whole, and the layer's SHA-256 (kept as the parts arrived)
    /// must equal every digest given; then the layer is linked to the repository, its parts becoming its segments.
    /// - Returns: the layer digest.
    public func completeLayerUpload(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                    uploadID: String, layerDigests: [String]) async throws -> String {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "CompleteLayerUpload")
        guard (1...100).contains(layerDigests.count) else {
            throw RegistryError.invalidParameter(member: "layerDigests", constraint: "must have between 1 and 100 members")
        }
        var given: [ContentDigest] = []
        for text in layerDigests {
            guard let digest = ContentDigest(text), digest.algorithm == .sha256 else { throw RegistryError.invalidDigest(text) }
            given.append(digest)
        }
        let (digest, newlyLinked) = try await complete(uploadID, of: record, expecting: given, limits: limits(registry))
        guard newlyLinked else { throw RegistryError.layerAlreadyExists(digest: digest.string) }
        return digest.string
    }

    /// Completes an upload of `record` whose bytes must have every digest of `expected`: SHA-256 from the state
    /// kept as the parts arrived (nothing is read), SHA-512 by reading the layer once. The layer is recorded under
    /// the first expected digest (its SHA-256 when none is given) and linked to the repository.
    /// - Returns: that digest, and whether the repository did not have the layer before.
    func complete(_ uploadID: String, of record: RepositoryRecord, expecting expected: [ContentDigest],
                  limits: RegistryLimits) async throws -> (ContentDigest, Bool) {
        let upload = try await openUpload(uploadID, of: record)
        let parts = try await registryStorage { try await metadata.layerParts(uploadID: uploadID) }
        try LayerUploadRules.checkCompletion(uploadID: uploadID, parts: parts, limits: limits)
        guard let state = ResumableSHA256(savedState: upload.hashState) else {
            throw RegistryError.storageFailure("upload \(uploadID) has an unreadable hash state")
        }
        let segments = parts.map { BlobSegment(blob: $0.blob, length: $0.length) }
        let sha256 = ContentDigest(sha256: state.finalize())
        var sha512: ContentDigest?
        for digest in expected {
            let computed: ContentDigest
            switch digest.algorithm {
            case .sha256: computed = sha256
            case .sha512:
                if sha512 == nil { sha512 = try await sha512Digest(of: segments, size: upload.receivedBytes) }
                computed = sha512 ?? sha256
            }
            guard computed == digest else { throw RegistryError.layerDigestMismatch(given: digest.string, computed: computed.string) }
        }
        let digest = expected.first ?? sha256
        let blob = RegistryBlobRecord(digest: digest.string, size: upload.receivedBytes, segments: segments)
        let outcome = try await registryStorage {
            try await metadata.completeLayerUpload(id: uploadID, receivedBytes: upload.receivedBytes, blob: blob, mediaType: nil, at: now)
        }
        switch outcome {
        case .linked: return (digest, true)
        case .alreadyLinked: return (digest, false)
        case .uploadChanged: throw RegistryError.uploadNotFound(uploadID: uploadID, repositoryName: record.name)
        }
    }

    /// The SHA-512 of a layer's segments, read once (each segment verified against its own SHA-256 on the way).
    func sha512Digest(of segments: [BlobSegment], size: Int64) async throws -> ContentDigest {
        var hasher = SHA512()
        let reader = ConcatenatedBlobReader(blobs: blobs, segments: segments, range: 0..<size)
        while let buffer = try await registryStorage({ try await reader.next() }) {
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        return ContentDigest(algorithm: .sha512, hex: Hex.encode(hasher.finalize()))
    }
}
