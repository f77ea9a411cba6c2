import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// The registry engine end to end over a real SQLite store, without HTTP: repositories and who may reach
/// them here; layer uploads, images, lifecycle and downloads in the extensions.
struct RegistryServiceTests {
    typealias Fixture = RegistryFixture
    static let name = RegistryFixture.repository

    // MARK: Creating, describing, deleting

    @Test func aNewRepositoryHasECRsDefaultsAndDescribesAsCreated() async throws {
        try await withRegistry { registry in
            let record = try await registry.createRepository("web/frontend")
            #expect(record.name == "web/frontend")
            #expect(record.accountID == Fixture.account)
            #expect(record.registry == .private)
            #expect(record.imageTagMutability == "MUTABLE")
            #expect(record.mutabilityExclusionFiltersJSON == nil)
            #expect(record.encryptionType == "AES256")
            #expect(record.kmsKey == nil)
            #expect(record.createdAt == registry.clock.now)
            #expect(try await registry.describe("web/frontend") == record)
        }
    }

    @Test func kmsEncryptionWithoutAKeyUsesTheAccountsECRKey() async throws {
        try await withRegistry { registry in
            let record = try await registry.createRepository("secret", settings: NewRepositorySettings(encryptionType: "KMS"))
            #expect(record.kmsKey == "arn:aws:kms:us-east-1:\(Fixture.account):alias/aws/ecr")
            await expectRegistryError("a KMS key without KMS", matches: { if case .invalidParameter = $0 { true } else { false } }) {
                try await registry.createRepository("plain", settings: NewRepositorySettings(kmsKey: "arn:aws:kms:us-east-1:1:key/k"))
            }
        }
    }

    @Test func aRepositoryKeepsItsTagMutabilityExclusions() async throws {
        try await withRegistry { registry in
            let filters = [TagMutability.ExclusionFilter(filterType: "WILDCARD", filter: "latest")]
            let record = try await registry.createRepository("pinned", settings: NewRepositorySettings(
                imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", exclusionFilters: filters))
            let described = try #require(try await registry.describe("pinned"))
            #expect(described.imageTagMutability == "IMMUTABLE_WITH_EXCLUSION")
            #expect(TagMutability.filters(fromJSON: described.mutabilityExclusionFiltersJSON) == filters)
            #expect(described == record)
        }
    }

    @Test(arguments: ["Upper", "a", "trailing/", "double__under"])
    func aNameOutsideTheRegistrysPatternIsRefused(name: String) async throws {
        try await withRegistry { registry in
            let registryKind: RegistryKind = name.contains("__") ? .public : .private
            await expectRegistryError("an invalid repositoryName", matches: {
                if case .invalidParameter("repositoryName", _) = $0 { true } else { false }
            }) {
                try await registry.createRepository(name, registryKind)
            }
        }
    }

    @Test func aTakenNameIsRefusedButTheOtherRegistryHasItsOwnNames() async throws {
        try await withRegistry { registry in
            await expectRegistryError(.repositoryAlreadyExists(registryID: Fixture.account, name: Self.name)) {
                try await registry.createRepository(Self.name)
            }
            let publicRecord = try await registry.createRepository(Self.name, .public)
            let privateRecord = try await registry.describe()
            #expect(publicRecord.registry == .public)
            #expect(publicRecord.id != privateRecord?.id)
        }
    }

    @Test func describingAnUnknownRepositoryIsRepositoryNotFound() async throws {
        try await withRegistry { registry in
            await expectRegistryError(.repositoryNotFound(registryID: Fixture.account, name: "nope/none")) {
                _ = try await registry.describe("nope/none")
            }
        }
    }

    @Test func repositoriesArePagedByName() async throws {
        try await withRegistry { registry in
            for name in ["c3", "a1", "b2"] { try await registry.createRepository(name) }
            var names: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let page = try await registry.service.describeRepositories(registry.owner, registryID: nil, .private, names: nil,
                                                                            maxResults: 2, nextToken: token)
                names += page.repositories.map(\.name)
                token = page.nextToken
                pages += 1
            } while token != nil && pages < 10
            #expect(names == ["a1", "b2", "c3", Self.name])
            #expect(pages == 2)
        }
    }

    @Test func aRepositoryWithImagesIsDeletedOnlyByForce() async throws {
        try await withRegistry { registry in
            let blobs = try await registry.pushImageBlobs()
            try await registry.putImage(blobs.manifest(), tag: "v1")
            let before = try #require(try await registry.describe())
            let uploadID = try await registry.initiate()
            await expectRegistryError(.repositoryNotEmpty(registryID: Fixture.account, name: Self.name)) {
                _ = try await registry.service.deleteRepository(registry.owner, registryID: nil, .private, name: Self.name, force: false)
            }
            let deleted = try await registry.service.deleteRepository(registry.owner, registryID: nil, .private, name: Self.name, force: true)
            #expect(deleted == before)
            await expectRegistryError(.repositoryNotFound(registryID: Fixture.account, name: Self.name)) {
                _ = try await registry.describe()
            }
            let again = try await registry.createRepository(Self.name)
            #expect(again.id != before.id, "a new repository of the same name is another repository")
            await expectRegistryError(.uploadNotFound(uploadID: uploadID, repositoryName: Self.name)) {
                try await registry.uploadPart(uploadID, first: 0, Array("late part".utf8))
            }
            await expectRegistryError(.layersNotFound(digests: [blobs.config, blobs.layer].sorted(), registryID: Fixture.account,
                                                      repositoryName: Self.name)) {
                try await registry.putImage(blobs.manifest())
            }
        }
    }

    @Test func anEmptyRepositoryIsDeletedWithoutForce() async throws {
        try await withRegistry { registry in
            try await registry.pushLayer(Array("unused layer".utf8))
            _ = try await registry.service.deleteRepository(registry.owner, registryID: nil, .private, name: Self.name, force: false)
            await expectRegistryError(.repositoryNotFound(registryID: Fixture.account, name: Self.name)) {
                _ = try await registry.describe()
            }
        }
    }

    // MARK: Another account

    static let arn = "arn:aws:ecr:eu-west-1:\(RegistryFixture.account):repository/\(RegistryFixture.repository)"

    static func allowStranger(_ actions: [String]) -> String {
        let list = actions.map { "\"\($0)\"" }.joined(separator: ", ")
        return #"{"Version": "2012-10-17", "Statement": [{"Sid": "Stranger", "Effect": "Allow", "#
            + #""Principal": {"AWS": "arn:aws:iam::\#(RegistryFixture.otherAccount):root"}, "Action": [\#(list)]}]}"#
    }

    @Test func anotherAccountIsDeniedWithoutARepositoryPolicy() async throws {
        try await withRegistry { registry in
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:DescribeRepositories", resource: Self.arn)) {
                _ = try await registry.describe(as: registry.stranger)
            }
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:InitiateLayerUpload", resource: Self.arn)) {
                _ = try await registry.initiate(as: registry.stranger)
            }
        }
    }

    @Test func anotherAccountCannotTellAMissingRepositoryFromADeniedOne() async throws {
        try await withRegistry { registry in
            let arn = "arn:aws:ecr:eu-west-1:\(Fixture.account):repository/no/such"
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:DescribeRepositories", resource: arn)) {
                _ = try await registry.describe("no/such", as: registry.stranger)
            }
        }
    }

    @Test func aRepositoryPolicyLetsAnotherAccountDoWhatItAllowsOnly() async throws {
        try await withRegistry { registry in
            _ = try await registry.service.setRepositoryPolicy(registry.owner, registryID: nil, .private, name: Self.name,
                                                               policy: Self.allowStranger(["ecr:DescribeRepositories", "ecr:InitiateLayerUpload"]))
            #expect(try await registry.describe(as: registry.stranger)?.name == Self.name)
            _ = try await registry.initiate(as: registry.stranger)
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:DeleteRepository", resource: Self.arn)) {
                _ = try await registry.service.deleteRepository(registry.stranger, registryID: Fixture.account, .private, name: Self.name, force: true)
            }
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:SetRepositoryPolicy", resource: Self.arn)) {
                _ = try await registry.service.setRepositoryPolicy(registry.stranger, registryID: Fixture.account, .private, name: Self.name,
                                                                   policy: Self.allowStranger(["ecr:*"]))
            }
        }
    }

    @Test func anotherAccountsOwnRegistryIsItsOwn() async throws {
        try await withRegistry { registry in
            let theirs = try await registry.service.createRepository(registry.stranger, registryID: nil, .private, name: Self.name,
                                                                     settings: NewRepositorySettings())
            let ours = try await registry.describe()
            #expect(theirs.accountID == Fixture.otherAccount)
            #expect(theirs.id != ours?.id)
            await expectRegistryError(.accessDenied(callerAccount: Fixture.otherAccount, action: "ecr:CreateRepository", resource: Self.arn)) {
                _ = try await registry.service.createRepository(registry.stranger, registryID: Fixture.account, .private, name: Self.name,
                                                                settings: NewRepositorySettings())
            }
        }
    }
}
