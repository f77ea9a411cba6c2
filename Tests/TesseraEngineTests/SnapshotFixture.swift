import Foundation
import Logging
import Testing
import TesseraCore
import TesseraEngine
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraTestSupport

/// A SnapshotService over an in-memory blob store and an SQLite file, with a clock the test moves.
struct SnapshotFixture {
    static let account = "123456789012"
    static let region = "us-east-1"
    static let block = Int(SnapshotService.blockSize)

    let service: SnapshotService
    let blobs: InMemoryBlobStore
    let metadata: SQLMetadataStore
    let clock: ManualClock

    func start(volumeSize: Int64 = 1, parent: String? = nil, token: String? = nil) async throws -> String {
        try await service.startSnapshot(accountID: Self.account, region: Self.region,
                                        StartSnapshotParameters(volumeSize: volumeSize, parentSnapshotID: parent, clientToken: token)).id
    }

    @discardableResult
    func put(_ snapshot: String, _ index: Int64, _ bytes: [UInt8], checksum: String? = nil) async throws -> String {
        try await service.putSnapshotBlock(
            accountID: Self.account, region: Self.region, snapshotID: snapshot, blockIndex: String(index),
            dataLength: String(bytes.count), checksum: checksum ?? EBSLinearChecksum.base64(SHA256Value.of(bytes)),
            checksumAlgorithm: "SHA256", progress: nil, body: AsyncByteChunks(bytes, chunkSize: 100_000))
    }

    func complete(_ snapshot: String, count: Int, aggregate: String? = nil) async throws -> String {
        try await service.completeSnapshot(accountID: Self.account, region: Self.region, snapshotID: snapshot,
                                           changedBlocksCount: String(count), checksum: aggregate,
                                           checksumAlgorithm: aggregate == nil ? nil : "SHA256",
                                           aggregationMethod: aggregate == nil ? nil : "LINEAR").rawValue
    }

    func list(_ snapshot: String) async throws -> [SnapshotBlockPage.Entry] {
        try await service.listSnapshotBlocks(accountID: Self.account, region: Self.region, snapshotID: snapshot,
                                             maxResults: nil, startingBlockIndex: nil, pageToken: nil).blocks
    }

    func read(_ snapshot: String, _ entry: SnapshotBlockPage.Entry) async throws -> [UInt8] {
        let data = try await service.getSnapshotBlock(accountID: Self.account, region: Self.region, snapshotID: snapshot,
                                                      blockIndex: String(entry.index), blockToken: entry.token)
        var bytes: [UInt8] = []
        while let buffer = try await data.body.next() { bytes.append(contentsOf: buffer.readableBytesView) }
        return bytes
    }
}

/// Runs `body` on a fresh snapshot service; closes and removes everything afterwards.
func withSnapshots(_ body: (SnapshotFixture) async throws -> Void) async throws {
    try await TestData.withTemporaryDirectory { directory in
        try await TestMetadataBackend.forFixtures.withStore(directory: directory, logger: Logger(label: "tessera.test.ebs")) { metadata in
            let clock = ManualClock()
            let blobs = InMemoryBlobStore()
            let service = SnapshotService(metadata: metadata, blobs: blobs, tokens: BlockTokens(key: Array(repeating: 7, count: 32)),
                                          clock: EngineClock { clock.now })
            try await body(SnapshotFixture(service: service, blobs: blobs, metadata: metadata, clock: clock))
        }
    }
}

/// Expects `body` to throw exactly `expected`.
func expectSnapshotError(_ expected: SnapshotError, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () async throws -> Void) async {
    await #expect(throws: expected, sourceLocation: sourceLocation) { try await body() }
}
