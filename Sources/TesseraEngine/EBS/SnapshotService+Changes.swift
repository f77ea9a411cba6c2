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
        let firstEnd = first.volumeSize * Self.blocksPerGiB, secondEnd = second.volumeSize * Self.blocksPerGiB
        let expiry = clock.now.addingTimeInterval(BlockTokens.lifetime)
        var entries: [ChangedBlockPage.Entry] = []
        for index in indexes.prefix(limit) {
            let inFirst = try await resolvedBlocks(firstChain, from: index, limit: 1, below: firstEnd).first?.index == index
            let inSecond = try await resolvedBlocks(secondChain, from: index, limit: 1, below: secondEnd).first?.index == index
            entries.append(ChangedBlockPage.Entry(
                index: index,
                firstToken: inFirst ? tokens.make(snapshotID: firstSnapshotID, index: index, expiry: expiry) : nil,
                secondToken: inSecond ? tokens.make(snapshotID: secondSnapshotID, index: index, expiry: expiry) : nil))
        }
        let next = indexes.count > limit ? Self.makePageToken(snapshotID: secondSnapshotID, next: indexes[indexes.startIndex + limit]) : nil
        return ChangedBlockPage(second: second, blocks: entries, expiry: expiry, nextToken: next)
    }
}
