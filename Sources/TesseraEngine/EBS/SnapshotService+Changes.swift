import Foundation
import TesseraCore
import TesseraStorage

/// A page of ListChangedBlocks.
public struct ChangedBlockPage: Sendable {
    public struct Entry: Sendable, Equatable {
        public let index: Int64
        public let firstToken: String?
        public let secondToken: String?
    }

    public let second: SnapshotRecord
    public let blocks: [Entry]
    public let expiry: Date
    public let nextToken: String?
}

extension SnapshotService {
    /// ListChangedBlocks: the indexes written in one snapshot's lineage but not the other's, that is by
    /// the snapshots of the two chains that are not ancestors of both. Both must be completed and related.
    public func listChangedBlocks(accountID: String, region: String, firstSnapshotID: String?, secondSnapshotID: String,
                                  maxResults: String?, startingBlockIndex: String?, pageToken: String?) async throws -> ChangedBlockPage {
        let (limit, start) = try Self.paging(maxResults: maxResults, startingBlockIndex: startingBlockIndex)
        guard let firstSnapshotID, !firstSnapshotID.isEmpty else {
            throw SnapshotError.validation(.invalidSnapshotID, "First snapshot should not be empty or null")
        }
        let second = try await requireCompleted(secondSnapshotID, accountID: accountID, region: region)
        let first = try await requireCompleted(firstSnapshotID, accountID: accountID, region: region)
        guard first.lineageRoot == second.lineageRoot else {
            throw SnapshotError.validation(.unrelatedSnapshots, "The snapshots \(firstSnapshotID) and \(secondSnapshotID) are not related")
        }
        let from = try pageToken.map { try Self.pageStart($0, snapshotID: secondSnapshotID) } ?? start
        let firstChain = try await chain(of: first), secondChain = try await chain(of: second)
        let shared = Set(firstChain.map(\.id)).intersection(secondChain.map(\.id))
        var changed = Set<Int64>()
        for member in (firstChain + secondChain) where !shared.contains(member.id) {
            let own = try await snapshotStorage { try await metadata.ownBlocks(snapshotID: member.id, fromIndex: from, limit: limit + 1) }
            changed.formUnion(own.map(\.index))
        }
        let indexes = changed.sorted().prefix(limit + 1)
        let page = Array(indexes.prefix(limit))
        let expiry = clock.now.addingTimeInterval(BlockTokens.lifetime)
        // Which of the page's indexes each snapshot holds: one range read per chain member, not one per index.
        let held = { (chain: [SnapshotRecord], volumeSize: Int64) async throws -> Set<Int64> in
            guard let low = page.first, let high = page.last else { return [] }
            let end = min(volumeSize * Self.blocksPerGiB, high + 1)
            return Set(try await self.resolvedBlocks(chain, from: low, limit: Int(high - low + 1), below: end).map(\.index))
        }
        let inFirst = try await held(firstChain, first.volumeSize), inSecond = try await held(secondChain, second.volumeSize)
        let entries = page.map { index in
            ChangedBlockPage.Entry(
                index: index,
                firstToken: inFirst.contains(index) ? tokens.make(snapshotID: firstSnapshotID, index: index, expiry: expiry) : nil,
                secondToken: inSecond.contains(index) ? tokens.make(snapshotID: secondSnapshotID, index: index, expiry: expiry) : nil)
        }
        let next = indexes.count > limit ? Self.makePageToken(snapshotID: secondSnapshotID, next: indexes[indexes.startIndex + limit]) : nil
        return ChangedBlockPage(second: second, blocks: entries, expiry: expiry, nextToken: next)
    }
}
