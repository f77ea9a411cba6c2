import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

/// What a successful archive upload returns.
public struct ArchiveCreated: Sendable, Equatable {
    public let archiveID: String
    public let treeHash: SHA256Value
}

extension GlacierService {
    /// UploadArchive: one body, checked against its tree hash (and signed payload hash) before it is kept.
    public func uploadArchive<Body: AsyncSequence>(
        accountID: String, vault: String, description: String?, contentLength: Int64?, treeHash: String?,
        payloadSHA256: SHA256Value?, body: Body
    ) async throws -> ArchiveCreated where Body.Element == ByteBuffer {
        _ = try await requireVault(accountID, vault)
        let description = try GlacierRules.description(description)
        let expected = try GlacierRules.treeHash(treeHash)
        guard let contentLength else { throw EngineError.missingParameter("Required parameter missing: Content-Length") }
        guard contentLength > 0, contentLength <= GlacierRules.maxArchiveSize else {
            throw EngineError.invalidParameter("Invalid Content-Length: \(contentLength). An archive is 1 byte to 4 GB.")
        }
        let (received, computed) = try await receiveTreeHashed(body, length: contentLength, payloadSHA256: payloadSHA256,
                                                                expected: expected)
        let archive = newArchive(accountID: accountID, vault: vault, description: description, size: received.size,
                                 treeHash: computed, segments: [BlobSegment(blob: received.digest, length: received.size)])
        do {
            try await metadata.insertArchive(archive)
        } catch StorageError.notFound {
            throw EngineError.vaultNotFound(accountID: accountID, vault: vault)
        } catch let error as StorageError {
            throw EngineError(error)
        }
        return ArchiveCreated(archiveID: archive.id, treeHash: computed)
    }

    /// The one ingest path of Glacier bytes: stream, hash, keep them only if their tree hash is `expected`.
    func receiveTreeHashed<Body: AsyncSequence>(_ body: Body, length: Int64, payloadSHA256: SHA256Value?,
                                                expected: SHA256Value) async throws -> (BlobIngest.Received, SHA256Value)
    where Body.Element == ByteBuffer {
        let received = try await ingest.receive(body, expectedLength: length, payloadSHA256: payloadSHA256, treeHash: true)
        guard let computed = received.treeHash, computed == expected else {
            await ingest.discard(received)
            throw GlacierRules.checksumMismatch(expected: expected, computed: received.treeHash ?? .empty)
        }
        try await ingest.commit(received)
        return (received, computed)
    }

    /// A new archive record with a fresh 138-character id (the length Glacier's ids have).
    func newArchive(accountID: String, vault: String, description: String, size: Int64, treeHash: SHA256Value,
                    segments: [BlobSegment]) -> ArchiveRecord {
        ArchiveRecord(id: RandomID.urlSafe(length: 138), accountID: accountID, vaultName: vault, description: description,
                      size: size, treeHash: treeHash, createdAt: clock.now, segments: segments)
    }

    /// DeleteArchive: idempotent for an archive that existed; an id that never named an archive is not found.
    public func deleteArchive(accountID: String, vault: String, archiveID: String) async throws {
        _ = try await requireVault(accountID, vault)
        let deleted = try await storage {
            try await metadata.deleteArchive(accountID: accountID, vaultName: vault, id: archiveID, at: clock.now)
        }
        // Deleting an archive twice is not an error; one of another vault or account is not found, however
        // it is spelled, so the answer says nothing about archives the caller does not own.
        if !deleted, try await !storage({ try await metadata.archiveExisted(accountID: accountID, vaultName: vault, id: archiveID) }) {
            throw EngineError.archiveNotFound(id: archiveID)
        }
    }
}
