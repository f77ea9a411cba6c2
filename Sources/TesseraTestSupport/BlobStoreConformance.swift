import Foundation
import Testing
import TesseraCore
import TesseraStorage

/// The behaviour every ``BlobStore`` backend must show. Run each check against a fresh store:
///
/// ```swift
/// @Test(arguments: BlobStoreConformance.Check.allCases)
/// func conforms(_ check: BlobStoreConformance.Check) async throws { try await check.run(on: makeStore()) }
/// ```
public enum BlobStoreConformance {
    public enum Check: String, CaseIterable, Sendable {
        case roundTripsBytesWrittenInManyChunks
        case committingTheSameContentTwiceStoresItOnce
        case discardLeavesNothingBehind
        case rangedReadsAtTheEdges
        case emptyBlobRoundTrips
        case readOfAbsentDigestThrowsNotFound
        case rangeBeyondTheEndIsRefused
        case deleteIsIdempotent
        case deleteSparesBlobsWrittenSinceTheCutoff
        case deletingSeveralRemovesExactlyTheUnwritten
        case sizeReportsStoredLength
        case listingPagesInDigestOrder

        public func run(on store: any BlobStore) async throws {
            switch self {
            case .roundTripsBytesWrittenInManyChunks: try await BlobStoreConformance.roundTrip(store)
            case .committingTheSameContentTwiceStoresItOnce: try await BlobStoreConformance.dedup(store)
            case .discardLeavesNothingBehind: try await BlobStoreConformance.discard(store)
            case .rangedReadsAtTheEdges: try await BlobStoreConformance.rangedReads(store)
            case .emptyBlobRoundTrips: try await BlobStoreConformance.emptyBlob(store)
            case .readOfAbsentDigestThrowsNotFound: try await BlobStoreConformance.absent(store)
            case .rangeBeyondTheEndIsRefused: try await BlobStoreConformance.rangeBeyondEnd(store)
            case .deleteIsIdempotent: try await BlobStoreConformance.delete(store)
            case .deleteSparesBlobsWrittenSinceTheCutoff: try await BlobStoreConformance.deleteSparesRecentWrites(store)
            case .deletingSeveralRemovesExactlyTheUnwritten: try await BlobStoreConformance.deleteSeveral(store)
            case .sizeReportsStoredLength: try await BlobStoreConformance.sizes(store)
            case .listingPagesInDigestOrder: try await BlobStoreConformance.listingPages(store)
            }
        }
    }

    /// Runs every check, each on a store from `make`.
    public static func runAll(_ make: () async throws -> any BlobStore) async throws {
        for check in Check.allCases { try await check.run(on: make()) }
    }

    static let kib256 = 256 * 1024

    static func roundTrip(_ store: any BlobStore) async throws {
        let bytes = TestData.bytes(count: 3 * 1024 * 1024 + 123, seed: 11)
        let digest = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [1, 4095, 65_539, 1_048_593, 7])
        let back = try await BlobStoreHelpers.readAll(store, digest)
        expectSameBytes(back, bytes, "read-back of what was written")
        #expect(try await store.listBlobs().map(\.digest).contains(digest))
    }

    static func dedup(_ store: any BlobStore) async throws {
        let before = Set(try await store.listBlobs().map(\.digest))
        let bytes = TestData.bytes(count: 300_000, seed: 12)
        let first = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [4096])
        let second = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [100_000])
        #expect(first == second)
        let after = Set(try await store.listBlobs().map(\.digest))
        #expect(after.subtracting(before) == [first], "the same content committed twice should add exactly one blob")
        #expect(try await store.listBlobs().map(\.digest).count == before.count + 1, "a digest is listed once")
        expectSameBytes(try await BlobStoreHelpers.readAll(store, first), bytes)
    }

    static func discard(_ store: any BlobStore) async throws {
        _ = try await BlobStoreHelpers.put(TestData.bytes(count: 10, seed: 13), into: store)
        let before = Set(try await store.listBlobs().map(\.digest))
        let bytes = TestData.bytes(count: 70_000, seed: 14)
        let finished = try await store.makeStaging()
        try await BlobStoreHelpers.write(bytes, to: finished, chunkSizes: [8192])
        try await finished.finish()
        await finished.discard()
        await finished.discard()
        let unfinished = try await store.makeStaging()
        try await BlobStoreHelpers.write(bytes, to: unfinished, chunkSizes: [8192])
        await unfinished.discard()
        #expect(Set(try await store.listBlobs().map(\.digest)) == before)
        #expect(try await store.size(of: SHA256Value.of(bytes)) == nil)
    }

    static func rangedReads(_ store: any BlobStore) async throws {
        let count = 2 * kib256 + 100
        let bytes = TestData.bytes(count: count, seed: 15)
        let digest = try await BlobStoreHelpers.put(bytes, into: store)
        let n = Int64(count), k = Int64(kib256)
        let ranges: [Range<Int64>] = [
            0..<1, (n - 1)..<n, (k - 1)..<(k + 1), k..<(2 * k), (2 * k - 3)..<(2 * k + 5),
            0..<k, 1..<(n - 1), 0..<n, 5..<5, n..<n,
        ]
        for range in ranges {
            let got = try await BlobStoreHelpers.readAll(store, digest, range: range)
            expectSameBytes(got, Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)]), "range \(range)")
        }
        expectSameBytes(try await BlobStoreHelpers.readAll(store, digest, range: nil), bytes, "whole blob")
    }

    static func emptyBlob(_ store: any BlobStore) async throws {
        let digest = try await BlobStoreHelpers.put([], into: store)
        #expect(digest == SHA256Value.empty)
        #expect(try await store.size(of: digest) == 0)
        #expect(try await BlobStoreHelpers.readAll(store, digest).isEmpty)
        #expect(try await BlobStoreHelpers.readAll(store, digest, range: 0..<0).isEmpty)
        #expect(try await store.listBlobs().map(\.digest).contains(digest))
    }

    static func absent(_ store: any BlobStore) async throws {
        let digest = SHA256Value.of(Array("never stored".utf8))
        let error = await #expect(throws: StorageError.self) { _ = try await store.read(digest, range: nil) }
        #expect(error.map(isNotFound) == true, "expected notFound, got \(String(describing: error))")
        let ranged = await #expect(throws: StorageError.self) { _ = try await store.read(digest, range: 0..<1) }
        #expect(ranged.map(isNotFound) == true, "expected notFound, got \(String(describing: ranged))")
        #expect(try await store.size(of: digest) == nil)
    }

    static func rangeBeyondEnd(_ store: any BlobStore) async throws {
        let bytes = TestData.bytes(count: 1000, seed: 16)
        let digest = try await BlobStoreHelpers.put(bytes, into: store)
        await #expect(throws: StorageError.self) { _ = try await BlobStoreHelpers.readAll(store, digest, range: 0..<1001) }
        await #expect(throws: StorageError.self) { _ = try await BlobStoreHelpers.readAll(store, digest, range: 1000..<1001) }
    }

    static func delete(_ store: any BlobStore) async throws {
        let bytes = TestData.bytes(count: 5000, seed: 17)
        let digest = try await BlobStoreHelpers.put(bytes, into: store)
        #expect(try await store.delete(digest, ifUnwrittenSince: .distantFuture))
        #expect(try await store.size(of: digest) == nil)
        #expect(try await !store.listBlobs().map(\.digest).contains(digest))
        let error = await #expect(throws: StorageError.self) { _ = try await store.read(digest, range: nil) }
        #expect(error.map(isNotFound) == true)
        #expect(try await !store.delete(digest, ifUnwrittenSince: .distantFuture))
        #expect(try await !store.delete(SHA256Value.of(Array("never stored".utf8)), ifUnwrittenSince: .distantFuture))
        _ = try await BlobStoreHelpers.put(bytes, into: store)
        expectSameBytes(try await BlobStoreHelpers.readAll(store, digest), bytes, "content deleted once can be stored again")
    }

    /// A sweep must spare a blob committed at or after its cutoff, and a commit of content already stored
    /// counts as a write: that is what keeps a concurrent upload of the same bytes from losing them.
    static func deleteSparesRecentWrites(_ store: any BlobStore) async throws {
        let bytes = TestData.bytes(count: 4000, seed: 18)
        let before = Date(timeIntervalSinceNow: -60)
        let digest = try await BlobStoreHelpers.put(bytes, into: store)
        #expect(try await !store.delete(digest, ifUnwrittenSince: before), "written after the cutoff")
        let listed = try await store.listBlobs().first { $0.digest == digest }
        #expect(listed.map { $0.lastWritten >= before } == true)
        let firstWrite = try #require(listed).lastWritten
        try await Task.sleep(for: .milliseconds(20))
        _ = try await BlobStoreHelpers.put(bytes, into: store)
        let rewritten = try #require(try await store.listBlobs().first { $0.digest == digest }).lastWritten
        #expect(rewritten > firstWrite, "committing the same content again marks it written")
        #expect(try await !store.delete(digest, ifUnwrittenSince: firstWrite.addingTimeInterval(0.001)))
        #expect(try await store.size(of: digest) == 4000)
    }

    /// The batch delete a sweep uses: of an old blob, a blob written at the cutoff and one never stored, only
    /// the old one goes, and the answer names it alone. The cutoff is the store's own time of the second write,
    /// so the check holds whatever the store's clock granularity.
    static func deleteSeveral(_ store: any BlobStore) async throws {
        let old = try await BlobStoreHelpers.put(TestData.bytes(count: 3000, seed: 19), into: store)
        let oldWritten = try #require(try await store.listBlobs().first { $0.digest == old }).lastWritten
        var recent = old
        var recentWritten = oldWritten
        for seed in 20..<40 where recentWritten <= oldWritten {
            try await Task.sleep(for: .milliseconds(seed == 20 ? 20 : 200))
            recent = try await BlobStoreHelpers.put(TestData.bytes(count: 3000, seed: UInt64(seed)), into: store)
            recentWritten = try #require(try await store.listBlobs().first { $0.digest == recent }).lastWritten
        }
        try #require(recentWritten > oldWritten)
        let never = SHA256Value.of(Array("never stored either".utf8))
        #expect(try await store.delete([old, recent, never], ifUnwrittenSince: recentWritten) == [old])
        #expect(try await store.size(of: old) == nil)
        #expect(try await store.size(of: recent) == 3000)
    }

    static func sizes(_ store: any BlobStore) async throws {
        for count in [1, kib256, (1 << 20) + 1] {
            let digest = try await BlobStoreHelpers.put(TestData.bytes(count: count, seed: UInt64(count)), into: store)
            #expect(try await store.size(of: digest) == Int64(count))
        }
    }

    static func listingPages(_ store: any BlobStore) async throws {
        var written: [SHA256Value: Int] = [:]
        for seed in 0..<7 {
            let bytes = TestData.bytes(count: 100 + seed * 37, seed: UInt64(900 + seed))
            written[try await BlobStoreHelpers.put(bytes, into: store)] = bytes.count
        }
        var listed: [StoredBlob] = []
        while true {
            let page = try await store.listBlobs(after: listed.last?.digest, limit: 3)
            #expect(page.count <= 3, "a page holds at most its limit")
            guard !page.isEmpty else { break }
            listed += page
        }
        let digests = listed.map(\.digest)
        #expect(digests == digests.sorted() && Set(digests).count == digests.count, "pages run in ascending digest order, each blob once")
        for (digest, size) in written {
            #expect(listed.first { $0.digest == digest }?.size == Int64(size), "every blob listed with its size")
        }
        let middle = written.keys.sorted()[3]
        let rest = try await store.listBlobs(after: middle, limit: 1000).map(\.digest)
        #expect(rest == digests.filter { $0 > middle }, "a page starts after the digest given, which it leaves out")
        let last = try #require(digests.last)
        #expect(try await store.listBlobs(after: last, limit: 3).isEmpty, "nothing after the last")
    }

    static func isNotFound(_ error: StorageError) -> Bool {
        if case .notFound = error { return true }
        return false
    }
}
