import Foundation
import Logging
import NIOCore
import Testing
@testable import TesseraBlobStoreS3
import TesseraClient
import TesseraCore
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// The S3 object store the tests use: `TESSERA_TEST_S3_ENDPOINT` (with `TESSERA_S3_ACCESS_KEY_ID` and
/// `TESSERA_S3_SECRET_ACCESS_KEY`), a radosgw that .ci/run starts (docs/radosgw.md). Without it these skip.
enum TestS3 {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var configured: Bool { environment["TESSERA_TEST_S3_ENDPOINT"]?.isEmpty == false }

    /// A location of its own for each test: a fresh prefix in the tests' bucket.
    static func location() throws -> S3Location {
        let endpoint = try #require(environment["TESSERA_TEST_S3_ENDPOINT"].flatMap(URL.init(string:)))
        let credentials = AWSCredentials(accessKeyID: environment["TESSERA_S3_ACCESS_KEY_ID"] ?? "",
                                         secretAccessKey: environment["TESSERA_S3_SECRET_ACCESS_KEY"] ?? "")
        return try S3Location.parse("s3://tessera-tests/\(RandomID.urlSafe(length: 12))", endpoint: endpoint,
                                    region: environment["TESSERA_TEST_S3_REGION"] ?? "us-east-1", credentials: credentials)
    }

    /// A store on a fresh prefix, its ledger in a SQLite database in a temporary directory.
    static func withStore<T>(basePartSize: Int = 8 << 20, _ body: (S3BlobStore, SQLMetadataStore) async throws -> T) async throws -> T {
        try await TestData.withTemporaryDirectory { directory in
            try await TestMetadataBackend.sqlite.withStore(directory: directory) { ledger in
                let store = try await S3BlobStore(location: try location(), ledger: ledger, basePartSize: basePartSize)
                return try await body(store, ledger)
            }
        }
    }
}

struct S3BlobStoreTests {
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"),
          arguments: BlobStoreConformance.Check.allCases)
    func s3StoreConforms(_ check: BlobStoreConformance.Check) async throws {
        try await TestS3.withStore { store, _ in try await check.run(on: store) }
    }

    /// Blobs longer than a part go through a multipart upload to a staging key and a copy; nothing of the
    /// staging is left afterwards, and the bytes read back whole and in ranges.
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"))
    func aBlobOfSeveralPartsIsStagedThenCopied() async throws {
        try await TestS3.withStore(basePartSize: 5 << 20) { store, _ in
            let bytes = TestData.bytes(count: (11 << 20) + 7, seed: 71)
            let digest = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [1 << 20, 333_333])
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digest), bytes, "whole")
            let range: Range<Int64> = (5 << 20) - 10..<(10 << 20) + 10
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digest, range: range),
                            Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)]), "across part boundaries")
            #expect(try await store.bucket.list(prefix: store.stagingPrefix, continuation: nil).objects.isEmpty)
            #expect(try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix).isEmpty)
            // The same content again: found stored, its staging upload aborted.
            _ = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [4 << 20])
            #expect(try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix).isEmpty)
        }
    }

    /// A node that dies mid-upload leaves a multipart upload under staging/<its instance>/; the sweep's first step
    /// aborts it once it is older than the cutoff, and not before, while the staging of this process's upload in
    /// progress (its instance marked alive) is left alone whatever the cutoff.
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"))
    func stagingLeftByADeadNodeIsRemovedAfterTheCutoff() async throws {
        try await TestS3.withStore(basePartSize: 5 << 20) { store, _ in
            let live = try await store.makeStaging()
            try await BlobStoreHelpers.write(TestData.bytes(count: 6 << 20, seed: 72), to: live, chunkSizes: [1 << 20])
            let orphan = store.stagingPrefix + "deadinstance/left-by-a-crash"
            let orphanID = try await store.bucket.createMultipartUpload(orphan)
            #expect(try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix).count == 2)
            try await store.removeAbandoned(before: Date(timeIntervalSinceNow: -3600))
            #expect(try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix).count == 2, "younger than the cutoff")
            try await store.removeAbandoned(before: Date(timeIntervalSinceNow: 3600))
            let left = try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix)
            #expect(left.map(\.key) == [(live as? S3BlobStaging)?.key], "the live upload stays, the dead instance's goes")
            #expect(!left.contains { $0.uploadID == orphanID })
            await live.discard()
            #expect(try await store.bucket.listMultipartUploads(prefix: store.stagingPrefix).isEmpty)
        }
    }

    /// A commit that finds its digest claimed by a sweep waits for the claim to end, then stores the bytes
    /// again instead of trusting the copy being deleted.
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"))
    func aCommitWaitsForASweepDeletingItsBlob() async throws {
        try await TestS3.withStore { store, ledger in
            let bytes = TestData.bytes(count: 3000, seed: 73)
            let digest = try await BlobStoreHelpers.put(bytes, into: store)
            let claimedAt = Date()
            #expect(try await ledger.claimDeletion(of: digest, unwrittenSince: .distantFuture, at: claimedAt,
                                                   takingOverClaimsBefore: .distantPast))
            let commit = Task { try await BlobStoreHelpers.put(bytes, into: store) }
            try await Task.sleep(for: .milliseconds(300))
            // The sweeper deletes the bytes and ends its claim, as S3BlobStore.delete does.
            try await store.bucket.delete(store.key(for: digest))
            try await ledger.finishDeletion(of: digest, claimedAt: claimedAt)
            #expect(try await commit.value == digest)
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digest), bytes, "stored again after the sweep")
        }
    }

    /// Chunk lists whose blob is gone (a sweeper or a commit stopped between the two objects) are removed by the
    /// next sweep once older than its cutoff; the lists of stored blobs stay.
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"))
    func chunkListsWithoutTheirBlobAreRemoved() async throws {
        try await TestS3.withStore { store, _ in
            var digests: [SHA256Value] = []
            for seed in 0..<3 {
                digests.append(try await BlobStoreHelpers.put(TestData.bytes(count: (1 << 20) + 1000, seed: UInt64(80 + seed)), into: store))
            }
            _ = try await BlobStoreHelpers.put(TestData.bytes(count: 100, seed: 83), into: store)
            let neverStored = SHA256Value.of([8, 3])
            try await store.bucket.put(store.chunkListKey(for: neverStored), body: [ByteBuffer(bytes: [UInt8](repeating: 1, count: 64))])
            try await store.bucket.delete(store.key(for: digests[1]))
            func lists() async throws -> Set<String> {
                Set(try await store.bucket.list(prefix: store.location.prefix + "chunks/", continuation: nil).objects.map(\.key))
            }
            #expect(try await lists().count == 4)
            try await store.removeAbandoned(before: Date().addingTimeInterval(-3600))
            #expect(try await lists().count == 4, "younger than the cutoff")
            try await store.removeAbandoned(before: Date().addingTimeInterval(60))
            #expect(try await lists() == [store.chunkListKey(for: digests[0]), store.chunkListKey(for: digests[2])])
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digests[2], range: 10..<20),
                            Array(TestData.bytes(count: (1 << 20) + 1000, seed: 82)[10..<20]))
        }
    }

    /// A range of a blob of several chunks is read through its chunk list: the chunks it covers are fetched
    /// and verified, the rest not; a corrupt chunk in the range fails the read, one outside it does not; a
    /// chunk list that does not match its recorded hash is not trusted (the read falls back to the whole object).
    @Test(.enabled(if: TestS3.configured, "no S3 endpoint: set TESSERA_TEST_S3_ENDPOINT (docs/radosgw.md)"))
    func rangesAreFetchedAndVerifiedChunkByChunk() async throws {
        try await TestS3.withStore { store, ledger in
            let mib = 1 << 20
            let bytes = TestData.bytes(count: 3 * mib + 500_000, seed: 74)
            let digest = try await BlobStoreHelpers.put(bytes, into: store, chunkSizes: [65_536])
            let ranges: [Range<Int64>] = [0..<1, Int64(mib - 1)..<Int64(mib + 1), Int64(2 * mib)..<Int64(3 * mib),
                                          Int64(3 * mib)..<Int64(bytes.count), 5..<Int64(bytes.count - 5)]
            for range in ranges {
                expectSameBytes(try await BlobStoreHelpers.readAll(store, digest, range: range),
                                Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)]), "range \(range)")
            }
            // Chunk 2 corrupted in place, the object's metadata kept.
            let key = store.key(for: digest)
            let head = try #require(try await store.bucket.head(key))
            var corrupted = bytes
            corrupted[2 * mib + 10] ^= 0xFF
            try await store.bucket.put(key, body: [ByteBuffer(bytes: corrupted)],
                                       headers: head.metadata.map { ("x-amz-meta-" + $0.key, $0.value) })
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digest, range: 0..<Int64(2 * mib)),
                            Array(bytes[0..<(2 * mib)]), "chunks 0 and 1 are intact")
            await #expect(throws: StorageError.corrupt(digest)) {
                _ = try await BlobStoreHelpers.readAll(store, digest, range: Int64(2 * mib)..<Int64(2 * mib + 20))
            }
            await #expect(throws: StorageError.corrupt(digest)) { _ = try await BlobStoreHelpers.readAll(store, digest) }
            // A chunk list that does not match: the range is read through the whole object, which is corrupt. (A
            // node that has not read the list before: this one keeps the lists it checked.)
            try await store.bucket.put(store.chunkListKey(for: digest), body: [ByteBuffer(bytes: [UInt8](repeating: 0, count: 4 * 32))])
            let otherNode = try await S3BlobStore(location: store.location, ledger: ledger)
            await #expect(throws: StorageError.corrupt(digest)) {
                _ = try await BlobStoreHelpers.readAll(otherNode, digest, range: 0..<10)
            }
            expectSameBytes(try await BlobStoreHelpers.readAll(store, digest, range: 0..<10), Array(bytes[0..<10]),
                            "the list this node checked before still serves chunk 0")
        }
    }

    @Test func locationsAreParsedAndChecked() throws {
        let endpoint = try #require(URL(string: "http://127.0.0.1:7480"))
        let keys = AWSCredentials(accessKeyID: "a", secretAccessKey: "b")
        let plain = try S3Location.parse("s3://my-bucket", endpoint: endpoint, region: "us-east-1", credentials: keys)
        #expect(plain.bucket == "my-bucket" && plain.prefix == "")
        let prefixed = try S3Location.parse("s3://my-bucket/cluster/a", endpoint: endpoint, region: "us-east-1", credentials: keys)
        #expect(prefixed.prefix == "cluster/a/" && prefixed.description == "s3://my-bucket/cluster/a")
        for bad in ["my-bucket", "s3://", "s3://ab", "s3://Upper", "s3://-dash", "s3://ok-bucket/a b", "s3://ok-bucket/a//b"] {
            #expect(throws: S3LocationError.self, "\(bad)") {
                _ = try S3Location.parse(bad, endpoint: endpoint, region: "us-east-1", credentials: keys)
            }
        }
        let ftp = try #require(URL(string: "ftp://host"))
        #expect(throws: S3LocationError.self) { _ = try S3Location.parse("s3://my-bucket", endpoint: ftp, region: "r", credentials: keys) }
    }

    @Test func listingsAndErrorsAreReadFromS3sXML() throws {
        let text = """
            <?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated>\
            <Contents><Key>p/blobs/a&amp;b</Key><LastModified>2026-12-01T02:30:00.123Z</LastModified><Size>12</Size></Contents>\
            <Contents><Key>p/blobs/c</Key><LastModified>2026-12-01T02:30:01Z</LastModified><Size>0</Size></Contents>\
            <NextContinuationToken>tok/en=</NextContinuationToken></ListBucketResult>
            """
        let blocks = S3XML.blocks("Contents", in: text)
        #expect(blocks.compactMap { S3XML.value("Key", in: $0) } == ["p/blobs/a&b", "p/blobs/c"])
        #expect(S3XML.value("NextContinuationToken", in: text[...]) == "tok/en=")
        let fractional = try #require(S3Bucket.date("2026-12-01T02:30:00.123Z"))
        #expect(abs(fractional.timeIntervalSince1970 - 1_796_092_200.123) < 0.001)
        #expect(S3Bucket.date("2026-12-01T02:30:01Z") == Date(timeIntervalSince1970: 1_796_092_201))
        #expect(S3Bucket.errorIn("<Error><Code>InternalError</Code><Message>try again</Message></Error>") == "InternalError: try again")
        #expect(S3Bucket.errorIn("<CopyObjectResult><ETag>x</ETag></CopyObjectResult>") == nil)
    }
}
