import Foundation
import Logging
import NIOCore
import Testing
import TesseraCore
@testable import TesseraEngine
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage
import TesseraTestSupport

/// A RegistryService over an in-memory blob store and an SQLite file in a temporary directory, with a clock
/// the test moves. Use through ``withRegistry(uploadExpiry:_:)``; the repository ``repository`` of the
/// private registry of ``account`` exists from the start.
struct RegistryFixture {
    static let account = "111122223333"
    static let otherAccount = "444455556666"
    static let region = "us-east-1"
    static let repository = "team/app"
    static let mib = 1 << 20
    static let tokenKey = [UInt8](repeating: 9, count: 32)

    let service: RegistryService
    let blobs: InMemoryBlobStore
    let metadata: SQLMetadataStore
    let clock: ManualClock

    var owner: RegistryCaller { RegistryCaller(accountID: Self.account, region: Self.region) }
    var stranger: RegistryCaller { RegistryCaller(accountID: Self.otherAccount, region: "eu-west-1") }

    static func digest(of bytes: [UInt8]) -> String {
        ContentDigest(sha256: SHA256Value.of(bytes)).string
    }

    static func digest(of text: String) -> String { digest(of: Array(text.utf8)) }

    // MARK: Repositories

    @discardableResult
    func createRepository(_ name: String, _ registry: RegistryKind = .private,
                          settings: NewRepositorySettings = NewRepositorySettings()) async throws -> RepositoryRecord {
        try await service.createRepository(owner, registryID: nil, registry, name: name, settings: settings)
    }

    func describe(_ name: String = repository, as caller: RegistryCaller? = nil) async throws -> RepositoryRecord? {
        let registryID = caller == nil ? nil : Self.account
        return try await service.describeRepositories(caller ?? owner, registryID: registryID, .private, names: [name], maxResults: nil,
                                                      nextToken: nil).repositories.first
    }

    // MARK: Layer uploads

    func initiate(_ name: String = repository, as caller: RegistryCaller? = nil) async throws -> String {
        try await service.initiateLayerUpload(caller ?? owner, registryID: caller == nil ? nil : Self.account, .private, name: name).uploadID
    }

    /// Streams `bytes` as the part at `first` (claiming the range `first...lastByte`, by default the part's own),
    /// continuing the layer's hash as it streams unless `continued` is false.
    @discardableResult
    func uploadPart(_ uploadID: String, first: Int, _ bytes: [UInt8], lastByte: Int? = nil, name: String = repository,
                    continued: Bool = true) async throws -> Int64 {
        try await uploadPart(uploadID, first: first, bytes, lastByte: lastByte, name: name) {
            guard continued else { return nil }
            return await service.layerHashStart(uploadID: uploadID)
        }
    }

    /// Streams `bytes` as the part at `first`, hashed from whatever `start` returns.
    func uploadPart(_ uploadID: String, first: Int, _ bytes: [UInt8], lastByte: Int? = nil, name: String = repository,
                    start: () async -> LayerHashStart?) async throws -> Int64 {
        let part = try await service.receiveLayerPart(AsyncByteChunks(bytes, chunkSize: 100_003), .private, start: start)
        return try await service.uploadLayerPart(owner, registryID: nil, .private, name: name, uploadID: uploadID, firstByte: Int64(first),
                                                 lastByte: Int64(lastByte ?? first + bytes.count - 1), part: part)
    }

    func complete(_ uploadID: String, _ digests: [String], name: String = repository) async throws -> String {
        try await service.completeLayerUpload(owner, registryID: nil, .private, name: name, uploadID: uploadID, layerDigests: digests)
    }

    /// Uploads `bytes` as one layer of one part; returns its digest.
    @discardableResult
    func pushLayer(_ bytes: [UInt8], name: String = repository) async throws -> String {
        let uploadID = try await initiate(name)
        try await uploadPart(uploadID, first: 0, bytes, name: name)
        return try await complete(uploadID, [Self.digest(of: bytes)], name: name)
    }

    /// The bytes of a layer linked to the repository `name`, read back through its segments.
    func linkedBytes(_ digest: String, name: String = repository, range: Range<Int64>? = nil) async throws -> [UInt8]? {
        let record = try #require(try await describe(name))
        guard let layer = try await service.linkedLayer(repositoryID: record.id, digest: digest) else { return nil }
        return try await Self.collect(service.read(layer, range: range))
    }

    static func collect(_ reader: any BlobReader) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try await reader.next() { bytes.append(contentsOf: buffer.readableBytesView) }
        return bytes
    }

    // MARK: Images

    /// Pushes a config and a layer into `name`; images made of them differ only by their annotation.
    func pushImageBlobs(_ name: String = repository) async throws -> ImageBlobs {
        let config = Array(#"{"architecture": "amd64", "os": "linux"}"#.utf8), layer = TestData.bytes(count: 3000, seed: 17)
        return ImageBlobs(config: try await pushLayer(config, name: name), configSize: config.count,
                          layer: try await pushLayer(layer, name: name), layerSize: layer.count, layerBytes: layer)
    }

    @discardableResult
    func putImage(_ manifest: String, tag: String? = nil, name: String = repository, mediaType: String? = nil,
                  digest: String? = nil) async throws -> ImageRecord {
        try await service.putImage(owner, registryID: nil, .private, name: name, manifest: manifest, mediaType: mediaType,
                                   tag: tag, digest: digest).image
    }

    func delete(_ ids: [ImageIdentifier], name: String = repository) async throws -> (deleted: [ImageIdentifier], failures: [ImageFailure]) {
        try await service.batchDeleteImage(owner, registryID: nil, .private, name: name, ids: ids)
    }

    /// The image `id` names with its tags, or nil when there is none.
    func image(_ id: ImageIdentifier, name: String = repository) async throws -> TaggedImage? {
        do {
            return try await service.describeImages(owner, registryID: nil, .private, name: name, ids: [id]).1.first
        } catch RegistryError.imageNotFound {
            return nil
        }
    }

    /// An OCI index listing `children` (digest and size).
    static func index(_ children: [(digest: String, size: Int64)]) -> String {
        let entries = children.map {
            #"{"mediaType": "\#(ManifestMediaType.ociManifest)", "digest": "\#($0.digest)", "size": \#($0.size)}"#
        }
        return #"{"schemaVersion": 2, "mediaType": "\#(ManifestMediaType.ociIndex)", "manifests": [\#(entries.joined(separator: ", "))]}"#
    }
}

/// A config and a layer pushed to a repository, and the image manifests made of them.
struct ImageBlobs {
    let config: String
    let configSize: Int
    let layer: String
    let layerSize: Int
    let layerBytes: [UInt8]

    /// An OCI image manifest of the config and the layer, told apart from others by `note`.
    func manifest(_ note: String = "") -> String {
        """
        {"schemaVersion": 2, "mediaType": "\(ManifestMediaType.ociManifest)",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "\(config)", "size": \(configSize)},
         "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "\(layer)", "size": \(layerSize)}],
         "annotations": {"note": "\(note)"}}
        """
    }
}

/// Runs `body` on a fresh registry with the repository ``RegistryFixture/repository`` created; closes and
/// removes everything afterwards, and checks that every staging area was committed or discarded.
func withRegistry(uploadExpiry: TimeInterval = 7 * 24 * 3600, _ body: (RegistryFixture) async throws -> Void) async throws {
    try await TestData.withTemporaryDirectory { directory in
        try await TestMetadataBackend.forFixtures.withStore(directory: directory, logger: Logger(label: "tessera.test.registry")) { metadata in
            let clock = ManualClock()
            let blobs = InMemoryBlobStore()
            let service = RegistryService(metadata: metadata, blobs: blobs, tokens: RegistryTokens(key: RegistryFixture.tokenKey),
                                          clock: EngineClock { clock.now }, uploadExpiry: uploadExpiry)
            let fixture = RegistryFixture(service: service, blobs: blobs, metadata: metadata, clock: clock)
            try await fixture.createRepository(RegistryFixture.repository)
            try await body(fixture)
            #expect(await blobs.pendingStagingCount == 0, "every staging area the registry opened was committed or discarded")
        }
    }
}

/// Expects `body` to throw exactly `expected`.
func expectRegistryError(_ expected: RegistryError, sourceLocation: SourceLocation = #_sourceLocation,
                         _ body: () async throws -> Void) async {
    await #expect(throws: expected, sourceLocation: sourceLocation) { try await body() }
}

/// Expects `body` to throw a RegistryError that `matches` accepts (for errors whose text is prose).
func expectRegistryError(sourceLocation: SourceLocation = #_sourceLocation, _ what: String, matches: (RegistryError) -> Bool,
                         _ body: () async throws -> Void) async {
    let error = await #expect(throws: RegistryError.self, sourceLocation: sourceLocation) { try await body() }
    if let error {
        #expect(matches(error), "expected \(what), got \(error)", sourceLocation: sourceLocation)
    }
}
