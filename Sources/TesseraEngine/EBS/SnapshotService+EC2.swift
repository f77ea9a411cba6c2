import Foundation
import TesseraCore
import TesseraStorage

/// One `Filter.N` of DescribeSnapshots.
public struct SnapshotFilter: Sendable, Equatable {
    public var name: String
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

extension SnapshotService {
    /// EC2 DescribeSnapshots over the snapshots this server holds for the caller (only the caller's own:
    /// there are no public or shared snapshots here). Unknown ids in `snapshotIDs` are an error, as in EC2.
    public func describeSnapshots(accountID: String, region: String, snapshotIDs: [String], owners: [String],
                                  filters: [SnapshotFilter], maxResults: String?, nextToken: String?) async throws
        -> (snapshots: [SnapshotRecord], nextToken: String?) {
        var limit = 1000
        if let maxResults {
            guard let value = Int(maxResults), (5...1000).contains(value), snapshotIDs.isEmpty else {
                throw SnapshotError.validation(.invalidParameterValue,
                                               "Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value between 5 and 1000, without snapshot ids.")
            }
            limit = value
        }
        var all = try await snapshotStorage { try await metadata.listSnapshots(accountID: accountID, region: region) }
        for index in all.indices { all[index] = try await applyingTimeout(all[index]) }
        if !snapshotIDs.isEmpty {
            let known = Set(all.map(\.id))
            if let missing = snapshotIDs.first(where: { !known.contains($0) }) {
                throw SnapshotError.snapshotNotFound("The snapshot '\(missing)' does not exist.")
            }
            all = all.filter { snapshotIDs.contains($0.id) }
        }
        if !owners.isEmpty && !owners.contains("self") && !owners.contains(accountID) { all = [] }
        for filter in filters { all = all.filter { Self.matches($0, filter) } }
        var start = 0
        if let nextToken {
            guard let index = all.firstIndex(where: { $0.id == nextToken }) else {
                throw SnapshotError.validation(.invalidPageToken, "The pagination token \(nextToken) is invalid.")
            }
            start = index
        }
        let page = Array(all[start...].prefix(limit))
        let next = start + limit < all.count ? all[start + limit].id : nil
        return (page, next)
    }

    /// EC2 DeleteSnapshot: the snapshot disappears from every API; blocks a child still reads stay.
    public func deleteSnapshot(accountID: String, region: String, snapshotID: String) async throws {
        _ = try await requireSnapshot(snapshotID, accountID: accountID, region: region)
        guard try await changingSnapshot(snapshotID, { try await metadata.deleteSnapshot(id: snapshotID, at: clock.now) }) else {
            throw SnapshotError.snapshotNotFound("The snapshot '\(snapshotID)' does not exist.")
        }
    }

    static func matches(_ snapshot: SnapshotRecord, _ filter: SnapshotFilter) -> Bool {
        let value: [String]
        switch filter.name {
        case "snapshot-id": value = [snapshot.id]
        case "status": value = [snapshot.status.rawValue]
        case "owner-id": value = [snapshot.accountID]
        case "description": value = [snapshot.description ?? ""]
        case "volume-size": value = [String(snapshot.volumeSize)]
        case "encrypted": value = [String(snapshot.encrypted)]
        default:
            guard filter.name.hasPrefix("tag:") else { return false }
            let key = String(filter.name.dropFirst(4))
            value = Self.tags(of: snapshot).filter { $0.Key == key }.compactMap(\.Value)
        }
        return value.contains { candidate in filter.values.contains { Self.wildcard($0, matches: candidate) } }
    }

    /// The snapshot's tags as the client gave them.
    public static func tags(of snapshot: SnapshotRecord) -> [SnapshotTag] {
        snapshot.tagsJSON.flatMap { try? JSONDecoder().decode([SnapshotTag].self, from: Data($0.utf8)) } ?? []
    }

    /// EC2 filter values allow `*` (any run) and `?` (one character).
    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        func match(_ i: Int, _ j: Int) -> Bool {
            if i == p.count { return j == t.count }
            if p[i] == "*" { return match(i + 1, j) || (j < t.count && match(i, j + 1)) }
            return j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1)
        }
        return match(0, 0)
    }
}
