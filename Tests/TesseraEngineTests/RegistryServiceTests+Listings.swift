import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// ListImages paging, lifecycle policies applied, layer download tokens and registry passwords.
extension RegistryServiceTests {
    /// Every entry of ListImages, `maxResults` a page; also how many pages it took.
    static func allImageIDs(_ registry: RegistryFixture, maxResults: Int,
                            filter: ImageListingFilter = ImageListingFilter()) async throws -> (ids: [ImageIdentifier], pages: Int) {
        var ids: [ImageIdentifier] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name, filter: filter,
                                                               maxResults: maxResults, nextToken: token)
            #expect(page.ids.count <= maxResults)
            ids += page.ids
            token = page.nextToken
            pages += 1
        } while token != nil && pages < 20
        return (ids, pages)
    }

    /// Three images pushed a second apart: `a` tagged a, b, c; `b` untagged; `c` tagged z.
    static func pushThreeImages(_ registry: RegistryFixture) async throws -> [String] {
        let blobs = try await registry.pushImageBlobs()
        let first = try await registry.putImage(blobs.manifest("a"), tag: "b").digest
        for tag in ["c", "a"] { try await registry.putImage(blobs.manifest("a"), tag: tag) }
        registry.clock.advance(by: 1)
        let second = try await registry.putImage(blobs.manifest("b")).digest
        registry.clock.advance(by: 1)
        let third = try await registry.putImage(blobs.manifest("c"), tag: "z").digest
        return [first, second, third]
    }

    @Test(arguments: [1, 2, 3, 100])
    func listImagesPagesOneEntryPerTagAcrossAnImagesTags(maxResults: Int) async throws {
        try await withRegistry { registry in
            let digests = try await Self.pushThreeImages(registry)
            let listed = try await Self.allImageIDs(registry, maxResults: maxResults)
            #expect(listed.ids == [Self.id(digests[0], tag: "a"), Self.id(digests[0], tag: "b"), Self.id(digests[0], tag: "c"),
                                   Self.id(digests[1]), Self.id(digests[2], tag: "z")])
            #expect(listed.pages == (5 + maxResults - 1) / maxResults, "no page is empty")
        }
    }

    @Test func listImagesFiltersByTagStatus() async throws {
        try await withRegistry { registry in
            let digests = try await Self.pushThreeImages(registry)
            let untagged = try await Self.allImageIDs(registry, maxResults: 1, filter: ImageListingFilter(tagStatus: "UNTAGGED"))
            #expect(untagged.ids == [Self.id(digests[1])])
            let tagged = try await Self.allImageIDs(registry, maxResults: 2, filter: ImageListingFilter(tagStatus: "TAGGED"))
            #expect(tagged.ids.map(\.tag) == ["a", "b", "c", "z"])
        }
    }

    @Test func aTokenThisServerDidNotMakeIsRefused() async throws {
        try await withRegistry { registry in
            await expectRegistryError("an invalid nextToken", matches: { if case .invalidParameter("nextToken", _) = $0 { true } else { false } }) {
                _ = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                           filter: ImageListingFilter(), maxResults: nil, nextToken: "bm90IGEgdG9rZW4")
            }
        }
    }

    /// Found while writing the wire-values fuzz target: a token carrying a push time near Int64.max
    /// milliseconds trapped converting it back to milliseconds for the metadata store.
    @Test(arguments: ["9223372036854775807", "253402300800000", "-9223372036854775808"])
    func aTokenWithAPushTimeOutOfRangeIsRefused(millis: String) async throws {
        let token = Base64URL.encode(Array("tessera-page:\(millis) sha256:\(String(repeating: "0", count: 64))".utf8))
        try await withRegistry { registry in
            for ids in [true, false] {
                await expectRegistryError("an out-of-range nextToken", matches: { if case .invalidParameter("nextToken", _) = $0 { true } else { false } }) {
                    if ids {
                        _ = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                                   filter: ImageListingFilter(), maxResults: nil, nextToken: token)
                    } else {
                        _ = try await registry.service.listImages(registry.owner, registryID: nil, .private, name: Self.name,
                                                                 filter: ImageListingFilter(), maxResults: nil, nextToken: token,
                                                                 action: "DescribeImages")
                    }
                }
            }
        }
    }

    @Test
    func aTagDeletedBetweenPagesDoesNotHideTheNextOne() async throws {
        try await withRegistry { registry in
            let digests = try await Self.pushThreeImages(registry)
            let first = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                                filter: ImageListingFilter(), maxResults: 1, nextToken: nil)
            #expect(first.ids == [Self.id(digests[0], tag: "a")])
            _ = try await registry.delete([Self.id(tag: "a")])
            let second = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                                 filter: ImageListingFilter(), maxResults: 1, nextToken: first.nextToken)
            #expect(second.ids == [Self.id(digests[0], tag: "b")], "tag b was never listed")
        }
    }

    @Test
    func anImageDeletedBetweenPagesDoesNotEndTheListing() async throws {
        try await withRegistry { registry in
            let digests = try await Self.pushThreeImages(registry)
            let first = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                                filter: ImageListingFilter(), maxResults: 3, nextToken: nil)
            #expect(first.ids.map(\.tag) == ["a", "b", "c"])
            _ = try await registry.delete([Self.id(digests[0])])
            let second = try await registry.service.listImageIDs(registry.owner, registryID: nil, .private, name: Self.name,
                                                                 filter: ImageListingFilter(), maxResults: 3, nextToken: first.nextToken)
            #expect(second.ids == [Self.id(digests[1]), Self.id(digests[2], tag: "z")])
        }
    }

    // MARK: Lifecycle policies

    @Test func aLifecyclePolicyExpiresTheImagesItSelects() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            let old = try await registry.putImage(blobs.manifest("old"), tag: "prod-1")
            registry.clock.advance(by: 15 * 86_400)
            let recent = try await registry.putImage(blobs.manifest("recent"), tag: "prod-2")
            let dev = try await registry.putImage(blobs.manifest("dev"), tag: "dev-1")
            _ = try await registry.service.putLifecyclePolicy(registry.owner, registryID: nil, .private, name: Self.name,
                                                              policy: LifecyclePolicyParsingTests.Documented.imageAge)
            let applied = try await registry.service.applyLifecyclePolicies()
            #expect(applied.expired == 1)
            #expect(applied.archived == 0)
            #expect(try await registry.image(Self.id(old.digest)) == nil)
            #expect(try await registry.image(Self.id(recent.digest)) != nil)
            #expect(try await registry.image(Self.id(dev.digest)) != nil)
            let policy = try await registry.service.lifecyclePolicy(registry.owner, registryID: nil, .private, name: Self.name)
            #expect(policy.lastEvaluatedAt == registry.clock.now)
        }
    }

    @Test func aCountRuleKeepsTheNewestUntaggedImage() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            var digests: [String] = []
            for note in ["1", "2", "3"] {
                digests.append(try await registry.putImage(blobs.manifest(note)).digest)
                registry.clock.advance(by: 3600)
            }
            let tagged = try await registry.putImage(blobs.manifest("tagged"), tag: "keep")
            _ = try await registry.service.putLifecyclePolicy(registry.owner, registryID: nil, .private, name: Self.name,
                                                              policy: LifecyclePolicyParsingTests.Documented.imageCount)
            #expect(try await registry.service.applyLifecyclePolicies().expired == 2)
            let remaining = try await Self.allImageIDs(registry, maxResults: 100).ids
            #expect(remaining == [Self.id(digests[2]), Self.id(tagged.digest, tag: "keep")])
        }
    }

    // MARK: Downloads and passwords

    @Test func aDownloadTokenServesItsLayerForAnHour() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            try await registry.putImage(blobs.manifest())
            let (repositoryID, token) = try await registry.service.getDownloadURLForLayer(registry.owner, registryID: nil, .private,
                                                                                         name: Self.name, digest: blobs.layer)
            let record = try await registry.describe()
            #expect(repositoryID == record?.id)
            let layer = try #require(try await registry.service.downloadableLayer(repositoryID: repositoryID, digest: blobs.layer, token: token))
            #expect(layer.size == Int64(blobs.layerSize))
            #expect(try await RegistryFixture.collect(registry.service.read(layer, range: nil)) == blobs.layerBytes)
            #expect(try await RegistryFixture.collect(registry.service.read(layer, range: 10..<20)) == Array(blobs.layerBytes[10..<20]))
            #expect(try await registry.service.downloadableLayer(repositoryID: repositoryID, digest: blobs.config, token: token) == nil)
            #expect(try await registry.service.downloadableLayer(repositoryID: "another", digest: blobs.layer, token: token) == nil)
            registry.clock.advance(by: RegistryTokens.downloadLifetime)
            #expect(try await registry.service.downloadableLayer(repositoryID: repositoryID, digest: blobs.layer, token: token) == nil)
        }
    }

    @Test func onlyALayerAnImageUsesHasADownloadURL() async throws {
        try await withRegistry { registry in
            let unused = try await registry.pushLayer(Array("not in any image".utf8))
            await expectRegistryError(.layerInaccessible(digest: unused)) {
                _ = try await registry.service.getDownloadURLForLayer(registry.owner, registryID: nil, .private, name: Self.name, digest: unused)
            }
            let absent = RegistryFixture.digest(of: "never pushed")
            await expectRegistryError(.layersNotFound(digests: [absent], registryID: RegistryFixture.account, repositoryName: Self.name)) {
                _ = try await registry.service.getDownloadURLForLayer(registry.owner, registryID: nil, .private, name: Self.name, digest: absent)
            }
            await expectRegistryError(.invalidDigest("sha256:short")) {
                _ = try await registry.service.getDownloadURLForLayer(registry.owner, registryID: nil, .private, name: Self.name,
                                                                      digest: "sha256:short")
            }
        }
    }

    @Test func anAuthorizationTokenIsAPasswordForTheCallersAccount() async throws {
        try await withRegistry { registry in
            let (password, expiresAt) = registry.service.authorizationToken(registry.stranger)
            #expect(expiresAt == registry.clock.now.addingTimeInterval(RegistryTokens.passwordLifetime))
            let tokens = RegistryTokens(key: RegistryFixture.tokenKey)
            #expect(tokens.account(forPassword: password, now: registry.clock.now) == RegistryFixture.otherAccount)
        }
    }
}
