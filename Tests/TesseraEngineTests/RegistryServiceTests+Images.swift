import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// PutImage and BatchDeleteImage: manifests stored byte for byte once what they name is present, tags as
/// the repository's mutability allows.
extension RegistryServiceTests {
    static func id(_ digest: String? = nil, tag: String? = nil) -> ImageIdentifier {
        ImageIdentifier(digest: digest, tag: tag)
    }

    @Test func anImageIsStoredByteForByteUnderTheDigestOfItsText() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let manifest = blobs.manifest("first")
            let stored = try await registry.putImage(manifest, tag: "v1", digest: RegistryFixture.digest(of: manifest))
            #expect(stored.digest == RegistryFixture.digest(of: manifest))
            #expect(stored.mediaType == ManifestMediaType.ociManifest)
            #expect(stored.artifactMediaType == "application/vnd.oci.image.config.v1+json")
            #expect(stored.size == Int64(blobs.configSize + blobs.layerSize))
            #expect(stored.pushedAt == registry.clock.now)
            let got = try await registry.service.batchGetImage(registry.owner, registryID: nil, .private, name: Self.name,
                                                               ids: [Self.id(tag: "v1")], acceptedMediaTypes: nil)
            #expect(got.failures.isEmpty)
            #expect(got.images.map { $0.0.manifest } == [manifest])
            #expect(got.images.map { $0.1 } == [Self.id(stored.digest, tag: "v1")])
        }
    }

    @Test func anImageWhoseLayersAreMissingIsRefusedListingThem() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let missing = [RegistryFixture.digest(of: "absent one"), RegistryFixture.digest(of: "absent two")]
            let manifest = blobs.manifest().replacingOccurrences(of: #""layers": ["#, with: """
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "\(missing[0])", "size": 1},
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "\(missing[1])", "size": 2},
                """)
            await expectRegistryError(.layersNotFound(digests: missing.sorted(), registryID: RegistryFixture.account, repositoryName: Self.name)) {
                try await registry.putImage(manifest, tag: "v1")
            }
            #expect(try await registry.image(Self.id(tag: "v1")) == nil)
        }
    }

    @Test func aLayerOfAnotherRepositoryDoesNotCount() async throws {
        try await withRegistry { registry in
            try await registry.createRepository("other/app")
            let blobs = try await registry.pushImageBlobs("other/app")
            await expectRegistryError(.layersNotFound(digests: [blobs.config, blobs.layer].sorted(), registryID: RegistryFixture.account,
                                                      repositoryName: Self.name)) {
                try await registry.putImage(blobs.manifest())
            }
        }
    }

    @Test func aDigestThatIsNotTheManifestsIsRefused() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let manifest = blobs.manifest(), other = RegistryFixture.digest(of: blobs.manifest("other"))
            await expectRegistryError(.imageDigestMismatch(given: other, computed: RegistryFixture.digest(of: manifest),
                                                          repositoryName: Self.name, registryID: RegistryFixture.account)) {
                try await registry.putImage(manifest, digest: other)
            }
        }
    }

    @Test func theSameImageAndTagPushedAgainIsImageAlreadyExists() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let manifest = blobs.manifest(), digest = RegistryFixture.digest(of: manifest)
            try await registry.putImage(manifest, tag: "v1")
            await expectRegistryError(.imageAlreadyExists(digest: digest, tag: "v1", repositoryName: Self.name, registryID: RegistryFixture.account)) {
                try await registry.putImage(manifest, tag: "v1")
            }
            await expectRegistryError(.imageAlreadyExists(digest: digest, tag: nil, repositoryName: Self.name, registryID: RegistryFixture.account)) {
                try await registry.putImage(manifest)
            }
            try await registry.putImage(manifest, tag: "v2")
            #expect(try await registry.image(Self.id(digest))?.tags == ["v1", "v2"])
        }
    }

    @Test func aMutableTagMovesToTheNewImage() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let first = try await registry.putImage(blobs.manifest("1"), tag: "latest")
            let second = try await registry.putImage(blobs.manifest("2"), tag: "latest")
            #expect(try await registry.image(Self.id(tag: "latest"))?.image.digest == second.digest)
            #expect(try await registry.image(Self.id(first.digest))?.tags == [], "the old image stays, untagged")
        }
    }

    @Test func anImmutableTagStaysUnlessAnExclusionMatchesIt() async throws {
        try await withRegistry { registry in
            let filters = [TagMutability.ExclusionFilter(filterType: "WILDCARD", filter: "latest")]
            try await registry.createRepository("pinned", settings: NewRepositorySettings(imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
                                                                                          exclusionFilters: filters))
            let blobs = try await registry.pushImageBlobs("pinned")
            let first = try await registry.putImage(blobs.manifest("1"), tag: "v1", name: "pinned")
            try await registry.putImage(blobs.manifest("1"), tag: "latest", name: "pinned")
            await expectRegistryError(.imageTagAlreadyExists(tag: "v1", repositoryName: "pinned", heldBy: first.digest)) {
                try await registry.putImage(blobs.manifest("2"), tag: "v1", name: "pinned")
            }
            #expect(try await registry.image(Self.id(RegistryFixture.digest(of: blobs.manifest("2"))), name: "pinned") == nil,
                    "a refused push keeps nothing")
            let second = try await registry.putImage(blobs.manifest("2"), tag: "latest", name: "pinned")
            #expect(try await registry.image(Self.id(tag: "latest"), name: "pinned")?.image.digest == second.digest)
        }
    }

    @Test func anIndexNeedsItsImagesAndIsAsLargeAsTheLargest() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let child = try await registry.putImage(blobs.manifest("child"))
            let absent = RegistryFixture.digest(of: "no such image")
            await expectRegistryError(.referencedImagesNotFound(digests: [absent])) {
                try await registry.putImage(RegistryFixture.index([(child.digest, 10), (absent, 20)]))
            }
            let index = try await registry.putImage(RegistryFixture.index([(child.digest, 10)]), tag: "multi")
            #expect(index.mediaType == ManifestMediaType.ociIndex)
            #expect(index.size == child.size)
        }
    }

    // MARK: BatchDeleteImage

    @Test func anImageGoesWithItsLastTag() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let digest = try await registry.putImage(blobs.manifest(), tag: "a").digest
            try await registry.putImage(blobs.manifest(), tag: "b")
            let first = try await registry.delete([Self.id(tag: "a")])
            #expect(first.deleted == [Self.id(digest, tag: "a")])
            #expect(first.failures.isEmpty)
            #expect(try await registry.image(Self.id(digest))?.tags == ["b"])
            #expect(try await registry.delete([Self.id(tag: "b")]).deleted == [Self.id(digest, tag: "b")])
            #expect(try await registry.image(Self.id(digest)) == nil)
            let again = try await registry.delete([Self.id(tag: "b")])
            #expect(again.deleted.isEmpty)
            #expect(again.failures.map(\.code) == [.imageNotFound])
        }
    }

    @Test func deletingByDigestRemovesTheImageWithEveryTag() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let digest = try await registry.putImage(blobs.manifest(), tag: "b").digest
            try await registry.putImage(blobs.manifest(), tag: "a")
            #expect(try await registry.delete([Self.id(digest)]).deleted == [Self.id(digest, tag: "a"), Self.id(digest, tag: "b")])
            #expect(try await registry.image(Self.id(digest)) == nil)
            #expect(try await registry.image(Self.id(tag: "a")) == nil)
        }
    }

    @Test func anImageAnIndexListsIsNotDeletedByDigest() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let child = try await registry.putImage(blobs.manifest("child"), tag: "child")
            let index = try await registry.putImage(RegistryFixture.index([(child.digest, child.size)]), tag: "multi")
            let refused = try await registry.delete([Self.id(child.digest)])
            #expect(refused.deleted.isEmpty)
            #expect(refused.failures.map(\.code) == [.imageReferencedByManifestList])
            #expect(refused.failures.first?.reason.contains(index.digest) == true)
            #expect(try await registry.delete([Self.id(tag: "child")]).deleted == [Self.id(child.digest, tag: "child")])
            #expect(try await registry.image(Self.id(child.digest))?.tags == [], "an image an index lists outlives its last tag")
            #expect(try await registry.delete([Self.id(index.digest)]).deleted == [Self.id(index.digest, tag: "multi")])
            #expect(try await registry.delete([Self.id(child.digest)]).deleted == [Self.id(child.digest)])
        }
    }

    @Test func aTagAndADigestThatDisagreeAreRefused() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            try await registry.putImage(blobs.manifest("1"), tag: "one")
            let two = try await registry.putImage(blobs.manifest("2"), tag: "two")
            let result = try await registry.delete([Self.id(two.digest, tag: "one"), Self.id("sha256:nope")])
            #expect(result.deleted.isEmpty)
            #expect(result.failures.map(\.code) == [.imageTagDoesNotMatchDigest, .invalidImageDigest])
        }
    }
}

extension RegistryServiceTests {
    /// The blobs PutImage checked may be unlinked by an expiry pass before its transaction: the transaction
    /// checks them again and stores nothing.
    @Test func anImageWhoseBlobsWereUnlinkedMeanwhileIsNotStored() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let manifest = blobs.manifest("late")
            let record = try #require(try await registry.describe())
            let digest = RegistryFixture.digest(of: manifest)
            let references = try ImageManifest(manifest, declaredMediaType: nil).requiredBlobs
                .map { ImageReference(digest: $0.digest.string, kind: .blob, mediaType: $0.mediaType) }
            #expect(try await registry.metadata.unlinkBlob(repositoryID: record.id, digest: references[0].digest) == .unlinked)
            let image = ImageRecord(repositoryID: record.id, digest: digest, manifest: manifest, mediaType: ManifestMediaType.ociManifest,
                                    artifactMediaType: nil, artifactType: nil, subject: nil, size: 1, pushedAt: registry.clock.now,
                                    references: references)
            let outcome = try await registry.metadata.putImage(image, tag: "late", mayMoveTag: true)
            #expect(outcome == .blobsMissing([references[0].digest]))
            #expect(try await registry.metadata.image(repositoryID: record.id, digest: digest) == nil)
            #expect(try await registry.metadata.taggedDigest(repositoryID: record.id, tag: "late") == nil)
        }
    }
}
