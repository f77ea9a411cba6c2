import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Layer uploads through `receiveLayerPart` and `uploadLayerPart`, as the ECR door streams them.
extension RegistryServiceTests {
    static let part1 = TestData.bytes(count: 5 * RegistryFixture.mib, seed: 1)
    static let part2 = TestData.bytes(count: 5 * RegistryFixture.mib, seed: 2)
    static let part3 = TestData.bytes(count: 1000, seed: 3)
    static let layer = part1 + part2 + part3
    static let layerDigest = RegistryFixture.digest(of: layer)

    /// Sends the three parts of ``layer`` in order, checking each answer.
    static func sendParts(_ registry: RegistryFixture, _ uploadID: String, continued: Bool) async throws {
        var first = 0
        for part in [part1, part2, part3] {
            let last = try await registry.uploadPart(uploadID, first: first, part, continued: continued)
            #expect(last == Int64(first + part.count - 1))
            first += part.count
        }
    }

    @Test(arguments: [true, false])
    func aLayerSentInSeveralPartsCompletesWithItsDigest(continued: Bool) async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            try await Self.sendParts(registry, uploadID, continued: continued)
            #expect(try await registry.complete(uploadID, [Self.layerDigest]) == Self.layerDigest)
            let availability = try await registry.service.batchCheckLayerAvailability(registry.owner, registryID: nil, .private,
                                                                                      name: Self.name, digests: [Self.layerDigest])
            #expect(availability == [.available(LinkedBlob(digest: Self.layerDigest, size: Int64(Self.layer.count), mediaType: nil))])
            #expect(try await registry.linkedBytes(Self.layerDigest) == Self.layer)
            let boundary = Self.part1.count
            let across = try await registry.linkedBytes(Self.layerDigest, range: Int64(boundary - 10)..<Int64(boundary + 10))
            #expect(across == Array(Self.layer[(boundary - 10)..<(boundary + 10)]), "a range across two parts reads from both")
        }
    }

    @Test func aPartHashedFromAStaleUploadStateIsReadAgain() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            let stale = await registry.service.layerHashStart(uploadID: uploadID)
            #expect(stale?.receivedBytes == 0)
            try await registry.uploadPart(uploadID, first: 0, Self.part1)
            _ = try await registry.uploadPart(uploadID, first: Self.part1.count, Self.part2) { stale }
            try await registry.uploadPart(uploadID, first: Self.part1.count + Self.part2.count, Self.part3)
            #expect(try await registry.complete(uploadID, [Self.layerDigest]) == Self.layerDigest)
        }
    }

    @Test func aWrongDigestIsRefusedWithTheComputedOne() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
            let wrong = RegistryFixture.digest(of: "something else")
            let right = RegistryFixture.digest(of: Self.part3)
            await expectRegistryError(.layerDigestMismatch(given: wrong, computed: right)) {
                _ = try await registry.complete(uploadID, [right, wrong])
            }
            #expect(try await registry.linkedBytes(right) == nil, "nothing was linked")
            await expectRegistryError(.invalidDigest("sha512:" + String(repeating: "a", count: 128))) {
                _ = try await registry.complete(uploadID, ["sha512:" + String(repeating: "a", count: 128)])
            }
            #expect(try await registry.complete(uploadID, [right]) == right, "the upload stays open after a refused completion")
        }
    }

    @Test func aLayerTheRepositoryHasIsLayerAlreadyExistsAndConsumesTheUpload() async throws {
        try await withRegistry { registry in
            let digest = try await registry.pushLayer(Self.part3)
            let uploadID = try await registry.initiate()
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
            await expectRegistryError(.layerAlreadyExists(digest: digest)) {
                _ = try await registry.complete(uploadID, [digest])
            }
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: Self.name)) {
                try await registry.uploadPart(uploadID, first: Self.part3.count, Self.part3)
            }
            #expect(try await registry.linkedBytes(digest) == Self.part3)
        }
    }

    @Test(arguments: [true, false])
    func theLastPartSentAgainIsAcceptedAsReceived(continued: Bool) async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            #expect(try await registry.uploadPart(uploadID, first: 0, Self.part1, continued: continued) == Int64(Self.part1.count - 1))
            #expect(try await registry.uploadPart(uploadID, first: 0, Self.part1, continued: continued) == Int64(Self.part1.count - 1))
            try await registry.uploadPart(uploadID, first: Self.part1.count, Self.part3, continued: continued)
            let parts = try await registry.metadata.layerParts(uploadID: uploadID)
            #expect(parts.map(\.firstByte) == [0, Int64(Self.part1.count)])
            let digest = RegistryFixture.digest(of: Self.part1 + Self.part3)
            #expect(try await registry.complete(uploadID, [digest]) == digest)
        }
    }

    @Test func anEarlierPartOrOtherBytesSentAgainAreOutOfOrder() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            try await registry.uploadPart(uploadID, first: 0, Self.part1)
            try await registry.uploadPart(uploadID, first: Self.part1.count, Self.part2)
            let received = Int64(Self.part1.count + Self.part2.count)
            await expectRegistryError(.partOutOfOrder(uploadID: uploadID, expectedFirstByte: received)) {
                try await registry.uploadPart(uploadID, first: 0, Self.part1)
            }
            var changed = Self.part2
            changed[0] ^= 1
            await expectRegistryError(.partOutOfOrder(uploadID: uploadID, expectedFirstByte: received)) {
                try await registry.uploadPart(uploadID, first: Self.part1.count, changed)
            }
        }
    }

    @Test func aPartThatDoesNotStartWhereTheUploadStandsIsRefusedAndNotKept() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            await expectRegistryError(.partOutOfOrder(uploadID: uploadID, expectedFirstByte: 0)) {
                try await registry.uploadPart(uploadID, first: 10, Self.part3)
            }
            await expectRegistryError(.partLengthMismatch(uploadID: uploadID, firstByte: 0, lastByte: 1000, length: 1000, expectedFirstByte: 0)) {
                try await registry.uploadPart(uploadID, first: 0, Self.part3, lastByte: 1000)
            }
            #expect(await registry.blobs.blobCount == 0, "no part was committed")
            #expect(try await registry.metadata.layerParts(uploadID: uploadID).isEmpty)
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
        }
    }

    @Test func aPartOfAnotherRepositorysUploadIsRefused() async throws {
        try await withRegistry { registry in
            try await registry.createRepository("other/app")
            let uploadID = try await registry.initiate()
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: "other/app")) {
                try await registry.uploadPart(uploadID, first: 0, Self.part3, name: "other/app")
            }
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: "other/app")) {
                _ = try await registry.complete(uploadID, [RegistryFixture.digest(of: Self.part3)], name: "other/app")
            }
        }
    }

    @Test func anUnknownUploadIsNotFound() async throws {
        try await withRegistry { registry in
            await expectRegistryError(.uploadNotFound(uploadID: "no-such-upload", repositoryName: Self.name)) {
                try await registry.uploadPart("no-such-upload", first: 0, Self.part3)
            }
            #expect(await registry.service.layerHashStart(uploadID: "no-such-upload") == nil)
        }
    }

    @Test func anUploadWithoutPartsCannotComplete() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            await expectRegistryError(.emptyUpload(uploadID: uploadID)) {
                _ = try await registry.complete(uploadID, [RegistryFixture.digest(of: [])])
            }
        }
    }

    @Test func aSmallPartBeforeTheLastIsRefusedAtCompletion() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
            try await registry.uploadPart(uploadID, first: Self.part3.count, Self.part1)
            let minimum = Int64(5 * RegistryFixture.mib)
            await expectRegistryError(.partTooSmall(uploadID: uploadID, position: 0, length: 1000, minimum: minimum)) {
                _ = try await registry.complete(uploadID, [RegistryFixture.digest(of: Self.part3 + Self.part1)])
            }
        }
    }

    @Test func anUploadLeftAloneLongerThanTheExpiryIsGone() async throws {
        try await withRegistry(uploadExpiry: 3600) { registry in
            let uploadID = try await registry.initiate()
            try await registry.uploadPart(uploadID, first: 0, Self.part1)
            registry.clock.advance(by: 3000)
            try await registry.uploadPart(uploadID, first: Self.part1.count, Self.part3)
            registry.clock.advance(by: 3000)
            #expect(await registry.service.layerHashStart(uploadID: uploadID) != nil, "each part renews the upload")
            registry.clock.advance(by: 601)
            #expect(await registry.service.layerHashStart(uploadID: uploadID) == nil)
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: Self.name)) {
                try await registry.uploadPart(uploadID, first: Self.part1.count + Self.part3.count, Self.part3)
            }
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: Self.name)) {
                _ = try await registry.complete(uploadID, [RegistryFixture.digest(of: Self.part1 + Self.part3)])
            }
            #expect(try await registry.service.expireUploads().uploads == 1)
            #expect(try await registry.metadata.layerUpload(id: uploadID) == nil)
        }
    }

    @Test func aPartLargerThanTheLargestIsRefusedAsItStreams() async throws {
        try await withRegistry { registry in
            let uploadID = try await registry.initiate()
            let tooLarge = [UInt8](repeating: 7, count: Int(RegistryLimits.privateRegistry.maximumPartSize) + 1)
            await expectRegistryError("an invalid layerPartBlob", matches: { if case .invalidParameter("layerPartBlob", _) = $0 { true } else { false } }) {
                try await registry.uploadPart(uploadID, first: 0, tooLarge)
            }
            #expect(await registry.blobs.blobCount == 0)
            try await registry.uploadPart(uploadID, first: 0, Self.part3)
        }
    }
}
