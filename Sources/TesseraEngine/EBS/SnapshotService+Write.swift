import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

extension SnapshotService {
    /// PutSnapshotBlock: checks the headers, streams the block while hashing it, and keeps it only if its
    /// SHA-256 matches `x-amz-Checksum`. Writing an index again replaces the block.
    /// - Returns: the block's checksum, base64.
    public func putSnapshotBlock<Body: AsyncSequence>(
        accountID: String, region: String, snapshotID: String, blockIndex: String, dataLength: String?, checksum: String?,
        checksumAlgorithm: String?, progress: String?, contentLength: Int64? = nil, body: Body
    ) async throws -> String where Body.Element == ByteBuffer {
        guard let index = Int64(blockIndex), index >= 0 else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(blockIndex)' at 'blockIndex' failed to satisfy constraint: Member must have value greater than or equal to 0")
        }
        if let progress {
            try Self.requireBetween(progress, 0, 100, member: "progress")
        }
        guard let checksum, !checksum.isEmpty, checksum.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }) else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(checksum ?? "null")' at 'checksum' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9+/=]+$")
        }
        guard let lengthText = dataLength, let length = Int64(lengthText) else {
            throw SnapshotError.constraint("1 validation error detected: Value null at 'dataLength' failed to satisfy constraint: Member must not be null")
        }
        let snapshot = try await requireSnapshot(snapshotID, accountID: accountID, region: region, trustingCachedPending: true)
        guard snapshot.status == .pending else {
            throw SnapshotError.validation(.invalidSnapshotID, "Snapshot is already completed")
        }
        guard checksumAlgorithm == "SHA256" else {
            throw SnapshotError.validation(.invalidParameterValue,
                                           "Unsupported Checksum Algorithm '\(checksumAlgorithm ?? "")', supported algorithms are SHA256")
        }
        guard length == Self.blockSize else {
            // EBS reads a whole block first: a body shorter than that fails to read, a whole one with
            // another declared length is an invalid block.
            if let contentLength, contentLength < Self.blockSize {
                throw SnapshotError.validation(.invalidParameterValue, "Failed to read block data")
            }
            throw SnapshotError.validation(.invalidBlock, "Block data length \(length) is not valid, expected \(Self.blockSize)")
        }
        guard index < snapshot.volumeSize * Self.blocksPerGiB else {
            throw SnapshotError.validation(.invalidBlock, "Block index \(index) is beyond the volume size extent")
        }
        let received: BlobIngest.Received
        do {
            received = try await ingest.receive(body, expectedLength: Self.blockSize, payloadSHA256: nil, treeHash: false)
        } catch EngineError.incompleteBody {
            throw SnapshotError.validation(.invalidParameterValue, "Failed to read block data")
        }
        let computed = EBSLinearChecksum.base64(received.digest)
        guard EBSLinearChecksum.digest(base64: checksum) == received.digest else {
            await ingest.discard(received)
            throw SnapshotError.checksumMismatch(computed: computed, expected: checksum)
        }
        try await snapshotStorage { try await ingest.commit(received) }
        do {
            try await metadata.putSnapshotBlock(snapshotID: snapshotID, block: SnapshotBlock(index: index, blob: received.digest))
        } catch StorageError.conflict {
            throw SnapshotError.validation(.invalidSnapshotID, "Snapshot is already completed")
        } catch StorageError.notFound {
            throw SnapshotError.snapshotNotFound("The snapshot '\(snapshotID)' does not exist.")
        } catch let error as StorageError {
            throw SnapshotError(error)
        }
        return computed
    }

    /// CompleteSnapshot: `completed` when the count of blocks written (and the LINEAR aggregate, if given)
    /// match, else `error`; a snapshot already finished answers with its status.
    public func completeSnapshot(accountID: String, region: String, snapshotID: String, changedBlocksCount: String?,
                                 checksum: String?, checksumAlgorithm: String?, aggregationMethod: String?) async throws -> SnapshotRecord.Status {
        guard let countText = changedBlocksCount, let count = Int64(countText), count >= 0 else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(changedBlocksCount ?? "null")' at 'changedBlocksCount' failed to satisfy constraint: Member must have value greater than or equal to 0")
        }
        let given = [checksum, checksumAlgorithm, aggregationMethod].compactMap { $0 }.count
        guard given == 0 || given == 3 else {
            throw SnapshotError.validation(.invalidParameterValue,
                                           "Checksum, ChecksumAlgorithm and ChecksumAggregationMethod must be given together")
        }
        if given == 3 {
            guard checksumAlgorithm == "SHA256" else {
                throw SnapshotError.validation(.invalidParameterValue,
                                               "Unsupported Checksum Algorithm '\(checksumAlgorithm ?? "")', supported algorithms are SHA256")
            }
            guard aggregationMethod == "LINEAR" else {
                throw SnapshotError.validation(.invalidParameterValue,
                                               "Unsupported Checksum Aggregation Method '\(aggregationMethod ?? "")', supported methods are LINEAR")
            }
        }
        let snapshot = try await requireSnapshot(snapshotID, accountID: accountID, region: region)
        guard snapshot.status == .pending else { return snapshot.status }
        let own = try await snapshotStorage { try await metadata.ownBlocks(snapshotID: snapshotID, fromIndex: 0, limit: Int.max) }
        var failure: String?
        if Int64(own.count) != count {
            failure = "Changed blocks count mismatch for snapshot: \(own.count) blocks were written, \(count) declared"
        } else if let checksum, EBSLinearChecksum.aggregate(own.map(\.blob)) != checksum {
            failure = "Checksum mismatch for snapshot"
        }
        let finished = try await changingSnapshot(snapshotID) {
            try await metadata.finishSnapshot(id: snapshotID, status: failure == nil ? .completed : .error, message: failure)
        }
        return finished?.status ?? .error
    }
}
