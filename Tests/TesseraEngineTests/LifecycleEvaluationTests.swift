import Foundation
import Testing
@testable import TesseraEngine

/// Lifecycle policies act on images as "Automate the cleanup of images by using lifecycle policies
/// in Amazon ECR" (evaluation rules) and "Examples of lifecycle policies in Amazon ECR" (outcomes) say.
struct LifecycleEvaluationTests {
    typealias Documented = LifecyclePolicyParsingTests.Documented

    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func daysAgo(_ days: Double) -> Date {
        now.addingTimeInterval(-days * 86_400)
    }

    static func image(_ name: String, _ tags: [String], pushed days: Double) -> LifecycleImage {
        LifecycleImage(digest: "sha256:\(name)", tags: tags, pushedAt: daysAgo(days))
    }

    /// The names of the images `policy` acts on, in the order reported.
    static func acted(_ policy: String, _ images: [LifecycleImage]) throws -> [String] {
        try evaluate(policy, images).map { String($0.digest.dropFirst("sha256:".count)) }
    }

    static func evaluate(_ policy: String, _ images: [LifecycleImage]) throws -> [LifecycleAction] {
        LifecycleEvaluation.evaluate(try LifecyclePolicy(json: policy), images: images, now: now)
    }

    static let betaProd = [
        image("A", ["beta-1", "prod-1"], pushed: 10),
        image("B", ["beta-2", "prod-2"], pushed: 9),
        image("C", ["beta-3"], pushed: 8),
    ]

    // MARK: The documented outcomes

    @Test func multipleRulesExampleA() throws {
        #expect(try Self.acted(Documented.multipleRulesA, Self.betaProd) == ["A"])
    }

    @Test func multipleRulesExampleB() throws {
        #expect(try Self.acted(Documented.multipleRulesB, Self.betaProd) == ["A", "B"])
    }

    @Test func multipleTagsInOneRuleExampleA() throws {
        let images = [
            Self.image("A", ["alpha-1"], pushed: 12), Self.image("B", ["beta-1"], pushed: 11),
            Self.image("C", ["alpha-2", "beta-2"], pushed: 10), Self.image("D", ["alpha-3"], pushed: 4),
            Self.image("E", ["beta-3"], pushed: 3), Self.image("F", ["alpha-4", "beta-4"], pushed: 2),
        ]
        #expect(try Self.acted(Documented.multipleTagsA, images) == ["C"])
    }

    @Test func multipleTagsInOneRuleExampleB() throws {
        let images = [
            Self.image("A", ["alpha-1", "beta-1", "gamma-1"], pushed: 10),
            Self.image("B", ["alpha-2", "beta-2"], pushed: 9),
            Self.image("C", ["alpha-3", "beta-3", "gamma-2"], pushed: 8),
        ]
        #expect(try Self.acted(Documented.multipleTagsB, images) == ["A", "B"])
    }

    @Test func allImagesExampleA() throws {
        let images = [
            Self.image("A", ["alpha-1"], pushed: 4), Self.image("B", ["beta-1"], pushed: 3),
            Self.image("C", [], pushed: 2), Self.image("D", ["alpha-2"], pushed: 1),
        ]
        #expect(try Self.acted(Documented.allImagesA, images) == ["A", "B", "C"])
    }

    @Test func allImagesExampleB() throws {
        // D and E were both "pushed 1 day ago"; E is the newer of the two and not yet a full day old.
        let images = [
            Self.image("A", ["alpha-1", "beta-1"], pushed: 4), Self.image("B", [], pushed: 3),
            Self.image("C", ["alpha-2"], pushed: 2), Self.image("D", ["git hash"], pushed: 1.05),
            Self.image("E", [], pushed: 0.95),
        ]
        let actions = try Self.evaluate(Documented.allImagesB, images)
        #expect(actions.map(\.digest) == ["sha256:A", "sha256:B", "sha256:D"])
        #expect(actions.map(\.rulePriority) == [1, 2, 3])
    }

    @Test func imageAgeExample() throws {
        let images = [
            Self.image("old-prod", ["prod-1"], pushed: 15), Self.image("new-prod", ["production"], pushed: 13),
            Self.image("old-dev", ["dev-1"], pushed: 30), Self.image("old-untagged", [], pushed: 30),
        ]
        #expect(try Self.acted(Documented.imageAge, images) == ["old-prod"])
    }

    @Test func imageCountExample() throws {
        let images = [
            Self.image("u1", [], pushed: 3), Self.image("u2", [], pushed: 2), Self.image("u3", [], pushed: 1),
            Self.image("t1", ["v1"], pushed: 9),
        ]
        #expect(try Self.acted(Documented.imageCount, images) == ["u1", "u2"])
    }

    // MARK: Ages and counts

    @Test func anImageExactlyTheCountNumberOfDaysOldIsNotExpired() throws {
        let images = [Self.image("edge", ["prod"], pushed: 14), Self.image("older", ["prod"], pushed: 14.001)]
        #expect(try Self.acted(Documented.imageAge, images) == ["older"])
    }

    @Test func countKeepsTheMostRecentlyPushedWhateverTheOrderGiven() throws {
        let images = [Self.image("u2", [], pushed: 2), Self.image("u1", [], pushed: 3), Self.image("u3", [], pushed: 1)]
        #expect(try Self.acted(Documented.imageCount, images) == ["u1", "u2"])
    }

    @Test func aRestoredImageCountsFromItsRestore() throws {
        var restored = Self.image("restored", [], pushed: 100)
        restored.lastActivatedAt = Self.daysAgo(0.5)
        let images = [restored, Self.image("recent", [], pushed: 1)]
        #expect(try Self.acted(Documented.imageCount, images) == ["recent"])
        #expect(try Self.acted(LifecyclePolicyParsingTests.oneRule(
            #"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}"#), images).isEmpty)
    }

    @Test func sinceImagePulledMeasuresFromTheLastPullThePushOrTheRestore() throws {
        var pulledLongAgo = Self.image("pulled-long-ago", ["a"], pushed: 400)
        pulledLongAgo.lastPulledAt = Self.daysAgo(91)
        var pulledRecently = Self.image("pulled-recently", ["b"], pushed: 400)
        pulledRecently.lastPulledAt = Self.daysAgo(10)
        let neverPulledOld = Self.image("never-pulled-old", [], pushed: 95)
        let neverPulledNew = Self.image("never-pulled-new", [], pushed: 20)
        var restoredNotPulled = Self.image("restored-not-pulled", ["c"], pushed: 400)
        restoredNotPulled.lastPulledAt = Self.daysAgo(300)
        restoredNotPulled.lastActivatedAt = Self.daysAgo(5)
        var restoredLongAgo = Self.image("restored-long-ago", ["d"], pushed: 400)
        restoredLongAgo.lastActivatedAt = Self.daysAgo(200)
        let images = [pulledLongAgo, pulledRecently, neverPulledOld, neverPulledNew, restoredNotPulled, restoredLongAgo]
        let actions = try Self.evaluate(Documented.lastPulled, images)
        #expect(Set(actions.map(\.digest)) == ["sha256:pulled-long-ago", "sha256:never-pulled-old", "sha256:restored-long-ago"])
        #expect(actions.allSatisfy { $0.actionType == "TRANSITION" && $0.targetStorageClass == "ARCHIVE" })
    }

    @Test func sinceImageTransitionedExpiresLongArchivedImagesOnly() throws {
        var longArchived = Self.image("long-archived", ["a"], pushed: 800)
        longArchived.storageClass = .archive
        longArchived.lastArchivedAt = Self.daysAgo(366)
        var recentlyArchived = Self.image("recently-archived", ["b"], pushed: 800)
        recentlyArchived.storageClass = .archive
        recentlyArchived.lastArchivedAt = Self.daysAgo(100)
        var archivedWhenUnknown = Self.image("archived-when-unknown", ["c"], pushed: 800)
        archivedWhenUnknown.storageClass = .archive
        let standardOld = Self.image("standard-old", ["d"], pushed: 800)
        let actions = try Self.evaluate(Documented.archiveTransitionTime,
                                        [longArchived, recentlyArchived, archivedWhenUnknown, standardOld])
        #expect(actions.map(\.digest) == ["sha256:long-archived"])
        #expect(actions.first?.actionType == "EXPIRE")
        #expect(actions.first?.targetStorageClass == nil)
        #expect(actions.first?.storageClass == .archive)
    }

    @Test func archiveThenExpireExampleActsOnEachStorageClassSeparately() throws {
        var archived = Self.image("archived", ["x"], pushed: 500)
        archived.storageClass = .archive
        archived.lastArchivedAt = Self.daysAgo(400)
        let images = [archived, Self.image("old", ["y"], pushed: 31), Self.image("new", [], pushed: 29)]
        let actions = try Self.evaluate(Documented.archiveThenExpire, images)
        #expect(actions.map(\.digest) == ["sha256:old", "sha256:archived"])
        #expect(actions.map(\.actionType) == ["TRANSITION", "EXPIRE"])
        #expect(actions.map(\.rulePriority) == [1, 2])
        #expect(actions.map(\.targetStorageClass) == ["ARCHIVE", nil])
    }

    @Test func standardRulesIgnoreArchivedImages() throws {
        var archived = Self.image("archived", [], pushed: 50)
        archived.storageClass = .archive
        #expect(try Self.acted(Documented.allImagesA, [archived, Self.image("a", [], pushed: 3), Self.image("b", [], pushed: 1)]) == ["a"])
    }

    // MARK: Rule interplay

    @Test func anImageSeenByAnEarlierRuleIsNotActedOnLater() throws {
        let policy = LifecyclePolicyParsingTests.policy(
            LifecyclePolicyParsingTests.rule(1, #"{"tagStatus": "tagged", "tagPrefixList": ["keep"], "countType": "imageCountMoreThan", "countNumber": 100}"#),
            LifecyclePolicyParsingTests.rule(2, #"{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#))
        let images = [Self.image("kept", ["keep-1"], pushed: 50), Self.image("gone", ["other"], pushed: 50)]
        #expect(try Self.acted(policy, images) == ["gone"])
    }

    @Test func actionsCarryThePreviewFieldsAndComeOldestFirstWithinARule() throws {
        let images = [Self.image("u3", [], pushed: 1), Self.image("u1", [], pushed: 3), Self.image("u2", [], pushed: 2)]
        let actions = try Self.evaluate(LifecyclePolicyParsingTests.oneRule(
            #"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#), images)
        #expect(actions == [
            LifecycleAction(digest: "sha256:u1", tags: [], pushedAt: Self.daysAgo(3), storageClass: .standard,
                            rulePriority: 1, actionType: "EXPIRE", targetStorageClass: nil),
            LifecycleAction(digest: "sha256:u2", tags: [], pushedAt: Self.daysAgo(2), storageClass: .standard,
                            rulePriority: 1, actionType: "EXPIRE", targetStorageClass: nil),
        ])
    }

    // MARK: Tag matching

    @Test func tagPatternsMatchWholeTagsWithStarsAndCase() {
        let prod = LifecycleTagFilter.patterns(["prod*"])
        #expect(prod.matches(tags: ["prod"]) && prod.matches(tags: ["prod1"]) && prod.matches(tags: ["production-team1"]))
        #expect(!prod.matches(tags: ["Prod1"]) && !prod.matches(tags: ["repo-prod"]) && !prod.matches(tags: []))
        let contains = LifecycleTagFilter.patterns(["*prod*"])
        #expect(contains.matches(tags: ["repo-production"]) && contains.matches(tags: ["prod-team"]))
        #expect(LifecycleTagFilter.patterns(["v?.1"]).matches(tags: ["v?.1"]) && !LifecycleTagFilter.patterns(["v?.1"]).matches(tags: ["v1.1"]))
        #expect(LifecycleTagFilter.patterns(["*test*1*2*3"]).matches(tags: ["my-test-1-2-3"]))
        #expect(LifecycleTagFilter.patterns(["latest"]).matches(tags: ["latest"]) && !LifecycleTagFilter.patterns(["latest"]).matches(tags: ["latest-1"]))
    }

    @Test func tagPrefixesMustEachMatchSomeTag() {
        let both = LifecycleTagFilter.prefixes(["alpha", "beta"])
        #expect(both.matches(tags: ["alpha-2", "beta-2"]))
        #expect(!both.matches(tags: ["alpha-1"]))
        #expect(LifecycleTagFilter.prefixes(["prod"]).matches(tags: ["dev", "production"]))
    }

    // MARK: Manifest lists

    @Test func anImageHeldByARemainingManifestListIsLeftAlone() throws {
        var child = Self.image("child", [], pushed: 10)
        child.manifestListDigests = ["sha256:index"]
        let index = Self.image("index", ["release"], pushed: 10)
        let policy = LifecyclePolicyParsingTests.oneRule(#"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#)
        #expect(try Self.acted(policy, [child, index]).isEmpty)
        #expect(try Self.acted(policy, [child]) == ["child"], "a list no longer in the repository holds nothing")
    }

    @Test func anImageGoesWithItsManifestList() throws {
        var child = Self.image("child", [], pushed: 10)
        child.manifestListDigests = ["sha256:index"]
        let index = Self.image("index", ["release"], pushed: 11)
        let expireAll = LifecyclePolicyParsingTests.oneRule(#"{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#)
        #expect(try Self.acted(expireAll, [child, index]) == ["index", "child"])
        let archiveAll = LifecyclePolicyParsingTests.oneRule(
            #"{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#,
            action: #"{"type": "transition", "targetStorageClass": "archive"}"#)
        #expect(try Self.acted(archiveAll, [child, index]) == ["index", "child"])
    }

    @Test func anImageIsNotExpiredWhileItsManifestListIsOnlyArchived() throws {
        var child = Self.image("child", [], pushed: 10)
        child.manifestListDigests = ["sha256:index"]
        let index = Self.image("index", ["release"], pushed: 11)
        let policy = LifecyclePolicyParsingTests.policy(
            LifecyclePolicyParsingTests.rule(1, #"{"tagStatus": "tagged", "tagPrefixList": ["release"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#,
                                             action: #"{"type": "transition", "targetStorageClass": "archive"}"#),
            LifecyclePolicyParsingTests.rule(2, #"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}"#))
        #expect(try Self.acted(policy, [child, index]) == ["index"])
    }
}
