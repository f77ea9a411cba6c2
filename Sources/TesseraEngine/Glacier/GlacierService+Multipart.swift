import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

/// A page of parts, as ListParts returns it.
public struct PartsPage: Sendable {
    public let upload: UploadRecord
    public let parts: [PartRecord]
    /// The first byte of the next page's first part, when there is one.
    public let nextMarker: String?
}

extension GlacierService {
    /// InitiateMultipartUpload.
    public func initiateMultipartUpload(accountID: String, vault: String, partSize: String?, description: String?) async throws -> UploadRecord {
        _ = try await requireVault(accountID, vault)
        let size = try GlacierRules.partSize(partSize)
        let upload = UploadRecord(id: RandomID.urlSafe(length: 92), accountID: accountID, vaultName: vault,
                                  description: try GlacierRules.description(description), partSize: size, createdAt: clock.now)
        try await storage { try await metadata.insertUpload(upload) }
        return upload
    }

    /// UploadMultipartPart: checks the range against the part size, streams and hashes the body, and keeps
    /// the part only if its tree hash (and signed payload hash) match. Re-sending a range replaces it.
    /// - Returns: the part's tree hash.
    public func uploadMultipartPart<Body: AsyncSequence>(
        accountID: String, vault: String, uploadID: String, contentRange: String?, contentLength: Int64?,
        treeHash: String?, payloadSHA256: SHA256Value?, body: Body
    ) async throws -> SHA256Value where Body.Element == ByteBuffer {
        let upload = try await requireOpenUpload(accountID, vault, uploadID)
        guard let contentRange else { throw EngineError.missingParameter("Required parameter missing: Content-Range") }
        guard let range = InclusiveByteRange(contentRange: contentRange) else {
            throw EngineError.invalidParameter("Invalid Content-Range: \(contentRange)")
        }
        guard range.first % upload.partSize == 0, range.count <= upload.partSize else {
            throw EngineError.invalidParameter(
                "Content-Range: \(contentRange) is not aligned with the part size \(upload.partSize) of upload \(uploadID)")
        }
        guard range.first / upload.partSize < Int64(GlacierRules.maxParts) else {
            throw EngineError.invalidParameter("Content-Range: \(contentRange) is beyond part \(GlacierRules.maxParts) of the upload")
        }
        // As UploadArchive: a body without Content-Length (chunked transfer coding) is refused, whatever it carries.
        guard let contentLength else { throw EngineError.missingParameter("Required parameter missing: Content-Length") }
        guard contentLength == range.count else {
            throw EngineError.invalidParameter("Content-Range: \(contentRange) is incompatible with Content-Length: \(contentLength)")
        }
        let expected = try GlacierRules.treeHash(treeHash)
        let (received, computed) = try await receiveTreeHashed(body, length: range.count, payloadSHA256: payloadSHA256,
                                                                expected: expected)
        do {
            try await metadata.putPart(PartRecord(uploadID: uploadID, range: range, treeHash: computed, blob: received.digest))
        } catch StorageError.conflict, StorageError.notFound {
            throw EngineError.uploadNotFound(id: uploadID)
        } catch let error as StorageError {
            throw EngineError(error)
        }
        return computed
    }

    /// CompleteMultipartUpload: the parts must cover [0, size) exactly, every part but the last must be
    /// whole, and the tree of the parts' tree hashes must equal the client's. On failure the upload stays
    /// open. A repeat after success answers with the same archive.
    public func completeMultipartUpload(accountID: String, vault: String, uploadID: String, archiveSize: String?,
                                        treeHash: String?) async throws -> ArchiveCreated {
        let upload = try await requireUpload(accountID, vault, uploadID)
        let expected = try GlacierRules.treeHash(treeHash)
        guard let sizeText = archiveSize else { throw EngineError.missingParameter("Required parameter missing: x-amz-archive-size") }
        guard let size = Int64(sizeText), size >= 0 else { throw EngineError.invalidParameter("Invalid x-amz-archive-size: \(sizeText)") }
        switch upload.state {
        case .completed(let archiveID):
            // A repeat answers with the archive it made, if it asks for the same archive.
            let archive = try await storage { try await metadata.archive(accountID: accountID, vaultName: vault, id: archiveID) }
            guard let archive else { return ArchiveCreated(archiveID: archiveID, treeHash: expected) }
            guard archive.treeHash == expected, String(archive.size) == archiveSize else {
                throw EngineError.invalidParameter(
                    "Upload \(uploadID) was completed as an archive of \(archive.size) bytes with tree hash \(archive.treeHash.hex)")
            }
            return ArchiveCreated(archiveID: archiveID, treeHash: archive.treeHash)
        case .aborted:
            throw EngineError.uploadNotFound(id: uploadID)
        case .open:
            break
        }
        let parts = try await storage { try await metadata.parts(uploadID: uploadID, fromFirstByte: 0, limit: GlacierRules.maxParts + 1) }
        // A completion racing this one may have committed (dropping the parts) between the two reads; the parts
        // are whole only if the upload is still open after they were read. If not, answer as a repeat would.
        guard case .open = try await requireUpload(accountID, vault, uploadID).state else {
            return try await completeMultipartUpload(accountID: accountID, vault: vault, uploadID: uploadID,
                                                     archiveSize: archiveSize, treeHash: treeHash)
        }
        var offset: Int64 = 0
        for (index, part) in parts.enumerated() {
            guard part.range.first == offset else {
                throw EngineError.invalidParameter("Archive is missing bytes \(offset)-\(part.range.first - 1): upload the part that covers them")
            }
            if index < parts.count - 1 && part.range.count != upload.partSize {
                throw EngineError.invalidParameter("Part \(part.range) is shorter than the part size \(upload.partSize) but is not the last part")
            }
            offset = part.range.last + 1
        }
        guard offset == size, size > 0 else {
            throw EngineError.invalidParameter("x-amz-archive-size \(size) does not match the \(offset) bytes of the uploaded parts")
        }
        let computed = TreeHash.root(of: parts.map(\.treeHash))
        guard computed == expected else { throw EngineError.invalidParameter("Invalid x-amz-sha256-tree-hash: \(expected.hex)") }
        let archive = newArchive(accountID: accountID, vault: vault, description: upload.description, size: size,
                                 treeHash: computed, segments: parts.map { BlobSegment(blob: $0.blob, length: $0.range.count) })
        do {
            try await metadata.completeUpload(id: uploadID, into: archive)
        } catch StorageError.conflict {
            // Another request completed or aborted it meanwhile: answer as a repeat would.
            return try await completeMultipartUpload(accountID: accountID, vault: vault, uploadID: uploadID,
                                                     archiveSize: archiveSize, treeHash: treeHash)
        } catch StorageError.notFound {
            throw EngineError.vaultNotFound(accountID: accountID, vault: vault)
        } catch let error as StorageError {
            throw EngineError(error)
        }
        return ArchiveCreated(archiveID: archive.id, treeHash: computed)
    }

    /// AbortMultipartUpload: idempotent on an aborted upload; a completed one is not found.
    public func abortMultipartUpload(accountID: String, vault: String, uploadID: String) async throws {
        let upload = try await requireUpload(accountID, vault, uploadID)
        switch upload.state {
        case .aborted: return
        case .completed: throw EngineError.uploadNotFound(id: uploadID)
        case .open:
            do {
                try await metadata.abortUpload(id: uploadID)
            } catch StorageError.conflict {
                return try await abortMultipartUpload(accountID: accountID, vault: vault, uploadID: uploadID)
            } catch let error as StorageError {
                throw EngineError(error)
            }
        }
    }

    /// ListParts: parts sorted by range; `marker` is the first byte of the first part to list.
    public func listParts(accountID: String, vault: String, uploadID: String, marker: String?, limit: String?) async throws -> PartsPage {
        let upload = try await requireOpenUpload(accountID, vault, uploadID)
        let limit = try GlacierRules.limit(limit, default: 50)
        let from: Int64
        if let marker {
            guard let value = Int64(marker), value >= 0 else { throw EngineError.invalidParameter("Invalid marker: \(marker)") }
            from = value
        } else {
            from = 0
        }
        let page = try await storage { try await metadata.parts(uploadID: uploadID, fromFirstByte: from, limit: limit + 1) }
        return PartsPage(upload: upload, parts: Array(page.prefix(limit)),
                         nextMarker: page.count > limit ? String(page[limit].range.first) : nil)
    }

    /// ListMultipartUploads: open uploads, oldest first; `marker` is the id of the first upload to list.
    public func listMultipartUploads(accountID: String, vault: String, marker: String?, limit: String?) async throws -> (uploads: [UploadRecord], nextMarker: String?) {
        _ = try await requireVault(accountID, vault)
        let limit = try GlacierRules.limit(limit, default: 50)
        let page = try await markerPage(marker) {
            try await metadata.listOpenUploads(accountID: accountID, vaultName: vault, fromID: marker, limit: limit + 1)
        }
        return (Array(page.prefix(limit)), page.count > limit ? page[limit].id : nil)
    }

    /// Runs a paged listing, answering a marker the store does not know as a bad parameter.
    func markerPage<T>(_ marker: String?, _ list: () async throws -> [T]) async throws -> [T] {
        do {
            return try await list()
        } catch StorageError.notFound {
            throw EngineError.invalidParameter("Invalid marker: \(marker ?? "")")
        } catch let error as StorageError {
            throw EngineError(error)
        }
    }

    func requireUpload(_ accountID: String, _ vault: String, _ uploadID: String) async throws -> UploadRecord {
        _ = try await requireVault(accountID, vault)
        guard let upload = try await storage({ try await metadata.upload(accountID: accountID, vaultName: vault, id: uploadID) }) else {
            throw EngineError.uploadNotFound(id: uploadID)
        }
        return upload
    }

    func requireOpenUpload(_ accountID: String, _ vault: String, _ uploadID: String) async throws -> UploadRecord {
        let upload = try await requireUpload(accountID, vault, uploadID)
        guard upload.state == .open else { throw EngineError.uploadNotFound(id: uploadID) }
        return upload
    }
}
