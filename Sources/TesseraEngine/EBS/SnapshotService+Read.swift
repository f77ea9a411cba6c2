import Foundation
import TesseraCore
import TesseraStorage

/// A page of blocks with their tokens.
public struct SnapshotBlockPage: Sendable {
    public struct Entry: Sendable, Equatable {
        public let index: Int64
        public let token: String

        public init(index: Int64, token: String) {
            self.index = index
            self.token = token
        }
    }

    public let snapshot: SnapshotRecord
    public let blocks: [Entry]
    public let expiry: Date
    public let nextToken: String?
}

/// A block's bytes, as GetSnapshotBlock sends them.
public struct SnapshotBlockData: Sendable {
    public let checksum: String
    public let body: any BlobReader
}

extension SnapshotService {
    static let defaultMaxResults = 10_000

    /// ListSnapshotBlocks: the blocks the snapshot holds (its own and inherited), ascending.
    public func listSnapshotBlocks(accountID: String, region: String, snapshotID: String, maxResults: String?,
                                   startingBlockIndex: String?, pageToken: String?) async throws -> SnapshotBlockPage {
        let (limit, start) = try Self.paging(maxResults: maxResults, startingBlockIndex: startingBlockIndex)
        let snapshot = try await requireCompleted(snapshotID, accountID: accountID, region: region)
        let from = try pageToken.map { try Self.pageStart($0, snapshotID: snapshotID) } ?? start
        let chain = try await chain(of: snapshot)
        let resolved = try await resolvedBlocks(chain, from: from, limit: limit + 1, below: snapshot.volumeSize * Self.blocksPerGiB)
        let expiry = clock.now.addingTimeInterval(BlockTokens.lifetime)
        let entries = resolved.prefix(limit).map {
            SnapshotBlockPage.Entry(index: $0.index, token: tokens.make(snapshotID: snapshotID, index: $0.index, expiry: expiry))
        }
        let next = resolved.count > limit ? Self.makePageToken(snapshotID: snapshotID, next: resolved[limit].index) : nil
        return SnapshotBlockPage(snapshot: snapshot, blocks: entries, expiry: expiry, nextToken: next)
    }

    /// GetSnapshotBlock: the block a valid token names.
    public func getSnapshotBlock(accountID: String, region: String, snapshotID: String, blockIndex: String,
                                 blockToken: String?) async throws -> SnapshotBlockData {
        guard let index = Int64(blockIndex), index >= 0 else {
            throw SnapshotError.constraint("1 validation error detected: Value '\(blockIndex)' at 'blockIndex' failed to satisfy constraint: Member must have value greater than or equal to 0")
        }
        guard let blockToken, !blockToken.isEmpty else {
            throw SnapshotError.constraint("1 validation error detected: Value null at 'blockToken' failed to satisfy constraint: Member must not be null")
        }
        let snapshot = try await requireCompleted(snapshotID, accountID: accountID, region: region)
        guard tokens.verify(blockToken, snapshotID: snapshotID, index: index, now: clock.now),
              let block = try await resolvedBlocks(try await chain(of: snapshot), from: index, limit: 1,
                                                   below: snapshot.volumeSize * Self.blocksPerGiB).first,
              block.index == index else {
            throw SnapshotError.validation(.invalidBlockToken, "The block token \(blockToken) is invalid.")
        }
        let reader = try await snapshotStorage {
            try await ConcatenatedBlobReader.opened(blobs: blobs, segments: [BlobSegment(blob: block.blob, length: Self.blockSize)],
                                                    range: 0..<Self.blockSize)
        }
        return SnapshotBlockData(checksum: EBSLinearChecksum.base64(block.blob), body: reader)
    }

    /// The first `limit` blocks at or after `from` (and below `end`) that a chain of snapshots holds, each
    /// from the nearest snapshot that wrote it.
    func resolvedBlocks(_ chain: [SnapshotRecord], from: Int64, limit: Int, below end: Int64) async throws -> [SnapshotBlock] {
        var nearest: [Int64: SnapshotBlock] = [:]
        for member in chain {
            let own = try await snapshotStorage { try await metadata.ownBlocks(snapshotID: member.id, fromIndex: from, limit: limit) }
            for block in own where block.index < end && nearest[block.index] == nil { nearest[block.index] = block }
        }
        return nearest.keys.sorted().prefix(limit).compactMap { nearest[$0] }
    }

    /// Checks MaxResults (100–10,000) and StartingBlockIndex (≥ 0).
    static func paging(maxResults: String?, startingBlockIndex: String?) throws -> (Int, Int64) {
        var limit = defaultMaxResults
        if let maxResults {
            limit = try requireBetween(maxResults, 100, 10_000, member: "maxResults")
        }
        var start: Int64 = 0
        if let startingBlockIndex {
            guard let value = Int64(startingBlockIndex), value >= 0 else {
                throw SnapshotError.constraint("1 validation error detected: Value '\(startingBlockIndex)' at 'startingBlockIndex' failed to satisfy constraint: Member must have value greater than or equal to 0")
            }
            start = value
        }
        return (limit, start)
    }

    /// A modeled integer member within its bounds, refused in the framework's words (as EBS words them).
    @discardableResult
    static func requireBetween(_ text: String, _ low: Int, _ high: Int, member: String) throws -> Int {
        let prefix = "1 validation error detected: Value '\(text)' at '\(member)' failed to satisfy constraint: Member must have value"
        guard let value = Int(text) else { throw SnapshotError.constraint("\(prefix) of type integer") }
        if value < low { throw SnapshotError.constraint("\(prefix) greater than or equal to \(low)") }
        if value > high { throw SnapshotError.constraint("\(prefix) less than or equal to \(high)") }
        return value
    }

    /// Page tokens name the snapshot and the next index; anything else is refused.
    static func makePageToken(snapshotID: String, next: Int64) -> String {
        Base64URL.encode(Array("page:\(snapshotID):\(next)".utf8))
    }

    static func pageStart(_ token: String, snapshotID: String) throws -> Int64 {
        let invalid = SnapshotError.validation(.invalidPageToken, "The pagination token \(token) is invalid.")
        guard let raw = Base64URL.decode(token) else { throw invalid }
        let parts = String(decoding: raw, as: UTF8.self).split(separator: ":")
        guard parts.count == 3, parts[0] == "page", parts[1] == snapshotID, let next = Int64(parts[2]), next >= 0 else { throw invalid }
        return next
    }
}
