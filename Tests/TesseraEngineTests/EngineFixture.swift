import Foundation
import Logging
import NIOCore
import Testing
import TesseraCore
import TesseraEngine
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// A GlacierService over an in-memory blob store and an SQLite file in a temporary directory, with a
/// clock the test moves. Use through ``withEngine(jobDelay:_:)``.
struct EngineFixture {
    static let account = "123456789012"
    static let vault = "examplevault"
    static let region = "us-east-1"
    static let mib = 1 << 20

    let service: GlacierService
    let blobs: InMemoryBlobStore
    let metadata: SQLMetadataStore
    let clock: ManualClock

    var account: String { Self.account }
    var vault: String { Self.vault }

    // MARK: calls with the usual arguments

    /// Sends `bytes` as the part at `first`, with its correct tree hash unless told otherwise.
    @discardableResult
    func uploadPart(_ uploadID: String, first: Int, _ bytes: [UInt8], treeHash: String? = nil, contentLength: Int64? = nil,
                    payloadSHA256: SHA256Value? = nil, contentRange: String? = nil, body: [UInt8]? = nil) async throws -> SHA256Value {
        let range = contentRange ?? "bytes \(first)-\(first + bytes.count - 1)/*"
        return try await service.uploadMultipartPart(
            accountID: account, vault: vault, uploadID: uploadID, contentRange: range,
            contentLength: contentLength ?? Int64(bytes.count), treeHash: treeHash ?? TreeHash.of(bytes).hex,
            payloadSHA256: payloadSHA256, body: AsyncByteChunks(body ?? bytes, chunkSize: 100_003))
    }

    func initiateUpload(partSize: Int = EngineFixture.mib, description: String? = "multipart") async throws -> String {
        try await service.initiateMultipartUpload(accountID: account, vault: vault, partSize: String(partSize), description: description).id
    }

    func complete(_ uploadID: String, size: Int, treeHash: SHA256Value) async throws -> ArchiveCreated {
        try await service.completeMultipartUpload(accountID: account, vault: vault, uploadID: uploadID,
                                                  archiveSize: String(size), treeHash: treeHash.hex)
    }

    func uploadArchive(_ bytes: [UInt8], description: String? = "single") async throws -> ArchiveCreated {
        try await service.uploadArchive(accountID: account, vault: vault, description: description, contentLength: Int64(bytes.count),
                                        treeHash: TreeHash.of(bytes).hex, payloadSHA256: SHA256Value.of(bytes),
                                        body: AsyncByteChunks(bytes, chunkSize: 65_536))
    }

    func partFirstBytes(_ uploadID: String) async throws -> [Int64] {
        try await service.listParts(accountID: account, vault: vault, uploadID: uploadID, marker: nil, limit: nil).parts.map(\.range.first)
    }

    func initiateJob(_ parameters: GlacierJobParameters) async throws -> JobRecord {
        try await service.initiateJob(accountID: account, vault: vault, region: Self.region, parameters: parameters)
    }

    func retrieve(_ archiveID: String, range: String? = nil) async throws -> JobRecord {
        try await initiateJob(GlacierJobParameters(type: "archive-retrieval", archiveID: archiveID, retrievalByteRange: range))
    }

    func output(_ jobID: String, range: String? = nil) async throws -> (output: JobOutput, bytes: [UInt8]) {
        let output = try await service.getJobOutput(accountID: account, vault: vault, jobID: jobID, range: range)
        var bytes: [UInt8] = []
        while let buffer = try await output.body.next() { bytes.append(contentsOf: buffer.readableBytesView) }
        return (output, bytes)
    }
}

/// Runs `body` on a fresh engine with a vault already created; closes and removes everything afterwards.
func withEngine(jobDelay: TimeInterval = 0, _ body: (EngineFixture) async throws -> Void) async throws {
    try await TestData.withTemporaryDirectory { directory in
        try await TestMetadataBackend.forFixtures.withStore(directory: directory, logger: Logger(label: "tessera.test.engine")) { metadata in
            let clock = ManualClock()
            let blobs = InMemoryBlobStore()
            let service = GlacierService(metadata: metadata, blobs: blobs, clock: EngineClock { clock.now }, jobDelay: jobDelay)
            let fixture = EngineFixture(service: service, blobs: blobs, metadata: metadata, clock: clock)
            try await service.createVault(accountID: EngineFixture.account, name: EngineFixture.vault)
            try await body(fixture)
            #expect(await blobs.pendingStagingCount == 0, "every staging area the engine opened was committed or discarded")
        }
    }
}

/// Expects `body` to throw exactly `expected`.
func expectEngineError(_ expected: EngineError, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> Void) async {
    await #expect(throws: expected, sourceLocation: sourceLocation) { try await body() }
}

/// Expects `body` to throw an EngineError of the case `matches` accepts (for errors whose text is prose).
func expectEngineError(sourceLocation: SourceLocation = #_sourceLocation, _ what: String, matches: (EngineError) -> Bool,
                       _ body: () async throws -> Void) async {
    let error = await #expect(throws: EngineError.self, sourceLocation: sourceLocation) { try await body() }
    if let error {
        #expect(matches(error), "expected \(what), got \(error)", sourceLocation: sourceLocation)
    }
}

extension EngineError {
    var isInvalidParameter: Bool {
        if case .invalidParameter = self { return true }
        return false
    }
}
