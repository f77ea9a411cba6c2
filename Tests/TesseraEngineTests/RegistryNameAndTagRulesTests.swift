import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage

/// Repository names (the API models' `RepositoryName` patterns and lengths), tag mutability with its
/// exclusion filters, and content digests.
struct RegistryNameAndTagRulesTests {
    static func accepts(_ name: String, _ registry: RegistryKind) -> Bool {
        do {
            try RepositoryNameRules.check(name, registry: registry, limits: registry == .private ? .privateRegistry : .publicRegistry)
            return true
        } catch {
            return false
        }
    }

    /// The member an invalidParameter refusal names, or nil when `body` throws nothing.
    static func refusedMember(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard case .invalidParameter(let member, _)? = error as? RegistryError else { return "not invalidParameter: \(error)" }
            return member
        }
    }

    // MARK: Repository names

    @Test(arguments: ["ab", "nginx", "team/app", "a/b/c", "my.app", "my_app", "my-app", "app1/v2.0-rc_1", "0x"])
    func namesBothRegistriesAccept(name: String) {
        #expect(Self.accepts(name, .private))
        #expect(Self.accepts(name, .public))
    }

    @Test(arguments: ["my__app", "my--app", "my---app", "team__x/app--y"])
    func doubleUnderscoresAndDashRunsAreAllowedOnlyInThePrivateRegistry(name: String) {
        #expect(Self.accepts(name, .private))
        #expect(!Self.accepts(name, .public))
    }

    @Test(arguments: ["My-app", "APP", "-app", "app-", ".app", "app.", "_app", "app_", "/app", "app/", "a//b", "a/-b",
                      "my___app", "my._app", "my-_app", "my..app", "a b", "app:tag", "ünïcode", "a/b/"])
    func namesNeitherRegistryAccepts(name: String) {
        #expect(!Self.accepts(name, .private))
        #expect(!Self.accepts(name, .public))
    }

    @Test func aNameIsAtLeastTwoCharacters() {
        #expect(!Self.accepts("a", .private))
        #expect(!Self.accepts("", .private))
        #expect(!Self.accepts("a", .public))
        #expect(Self.accepts("ab", .public))
        #expect(Self.refusedMember { try RepositoryNameRules.check("a", registry: .private, limits: .privateRegistry) } == "repositoryName")
    }

    @Test func aPrivateNameIsAtMost256Characters() {
        #expect(Self.accepts(String(repeating: "a", count: 256), .private))
        #expect(!Self.accepts(String(repeating: "a", count: 257), .private))
    }

    @Test func aPublicNameIsAtMost205Characters() {
        #expect(Self.accepts(String(repeating: "a", count: 205), .public))
        #expect(!Self.accepts(String(repeating: "a", count: 206), .public))
    }

    @Test func aRefusedNameQuotesItsRegistrysPattern() {
        do {
            try RepositoryNameRules.check("Bad", registry: .public, limits: .publicRegistry)
            Issue.record("Bad was accepted")
        } catch {
            #expect(error == .invalidParameter(member: "repositoryName",
                                               constraint: "must satisfy regular expression '\(RepositoryNameRules.pattern(for: .public))'"))
        }
    }

    // MARK: Tag mutability

    static func filter(_ text: String, type: String = "WILDCARD") -> TagMutability.ExclusionFilter {
        TagMutability.ExclusionFilter(filterType: type, filter: text)
    }

    @Test(arguments: ["MUTABLE", "IMMUTABLE"])
    func thePlainSettingsTakeNoFilters(setting: String) throws {
        #expect(try TagMutability(setting: setting, filters: nil).filters.isEmpty)
        #expect(try TagMutability(setting: setting, filters: []).filtersJSON == nil)
        #expect(Self.refusedMember { _ = try TagMutability(setting: setting, filters: [Self.filter("a*")]) }
                == "imageTagMutabilityExclusionFilters")
    }

    @Test(arguments: ["IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"])
    func theExclusionSettingsTakeOneToFiveFilters(setting: String) throws {
        #expect(Self.refusedMember { _ = try TagMutability(setting: setting, filters: nil) } == "imageTagMutabilityExclusionFilters")
        #expect(Self.refusedMember { _ = try TagMutability(setting: setting, filters: []) } == "imageTagMutabilityExclusionFilters")
        let five = (1...5).map { Self.filter("f\($0)*") }
        #expect(try TagMutability(setting: setting, filters: five).filters == ["f1*", "f2*", "f3*", "f4*", "f5*"])
        #expect(Self.refusedMember { _ = try TagMutability(setting: setting, filters: five + [Self.filter("six")]) }
                == "imageTagMutabilityExclusionFilters")
    }

    @Test(arguments: ["mutable", "", "IMMUTABLE_WITH_EXCLUSIONS", "READ_ONLY"])
    func anUnknownSettingIsRefused(setting: String) {
        #expect(Self.refusedMember { _ = try TagMutability(setting: setting, filters: nil) } == "imageTagMutability")
    }

    @Test(arguments: ["", "bad/char", "sp ace", "ümlaut", String(repeating: "a", count: 129)])
    func aFilterOutsideThePatternIsRefused(text: String) {
        #expect(Self.refusedMember { _ = try TagMutability(setting: "IMMUTABLE_WITH_EXCLUSION", filters: [Self.filter(text)]) }
                == "imageTagMutabilityExclusionFilters.filter")
    }

    @Test func aFilterThatIsNotAWildcardIsRefused() {
        #expect(Self.refusedMember { _ = try TagMutability(setting: "MUTABLE_WITH_EXCLUSION", filters: [Self.filter("a*", type: "REGEX")]) }
                == "imageTagMutabilityExclusionFilters.filterType")
    }

    @Test func theLongestFilterIsAccepted() throws {
        let text = "Aa0._*-" + String(repeating: "z", count: 121)
        #expect(try TagMutability(setting: "IMMUTABLE_WITH_EXCLUSION", filters: [Self.filter(text)]).filters == [text])
    }

    @Test func mutableTagsMoveAndImmutableOnesDoNot() throws {
        #expect(try TagMutability(setting: "MUTABLE", filters: nil).allowsMoving("latest"))
        #expect(try !TagMutability(setting: "IMMUTABLE", filters: nil).allowsMoving("latest"))
    }

    @Test func immutableWithExclusionLetsOnlyTheMatchingTagsMove() throws {
        let rule = try TagMutability(setting: "IMMUTABLE_WITH_EXCLUSION", filters: [Self.filter("latest"), Self.filter("dev-*")])
        #expect(rule.allowsMoving("latest"))
        #expect(rule.allowsMoving("dev-"))
        #expect(rule.allowsMoving("dev-feature-1"))
        #expect(!rule.allowsMoving("v1.0"))
        #expect(!rule.allowsMoving("latest2"))
        #expect(!rule.allowsMoving("Latest"), "filters match case-sensitively")
    }

    @Test func mutableWithExclusionPinsOnlyTheMatchingTags() throws {
        let rule = try TagMutability(setting: "MUTABLE_WITH_EXCLUSION", filters: [Self.filter("release-*"), Self.filter("*-stable")])
        #expect(!rule.allowsMoving("release-1.2"))
        #expect(!rule.allowsMoving("1.2-stable"))
        #expect(rule.allowsMoving("nightly"))
        #expect(rule.allowsMoving("prerelease-1"))
    }

    @Test func filtersRoundTripThroughTheirStoredJSON() throws {
        let rule = try TagMutability(setting: "MUTABLE_WITH_EXCLUSION", filters: [Self.filter("a*"), Self.filter("b")])
        let json = try #require(rule.filtersJSON)
        #expect(TagMutability.filters(fromJSON: json) == [Self.filter("a*"), Self.filter("b")])
        let stored = TagMutability(stored: rule.setting, filters: TagMutability.filters(fromJSON: json)?.map(\.filter) ?? [])
        #expect(stored == rule)
        #expect(TagMutability.filters(fromJSON: nil) == nil)
    }

    // MARK: Content digests

    static let sha256Hex = String(repeating: "0123456789abcdef", count: 4)
    static let sha512Hex = String(repeating: "fedcba9876543210", count: 8)

    @Test func sha256AndSHA512DigestsParse() throws {
        let short = try #require(ContentDigest("sha256:" + Self.sha256Hex))
        #expect(short.algorithm == .sha256)
        #expect(short.hex == Self.sha256Hex)
        #expect(short.string == "sha256:" + Self.sha256Hex)
        #expect(short.sha256 == SHA256Value(hex: Self.sha256Hex))
        let long = try #require(ContentDigest("sha512:" + Self.sha512Hex))
        #expect(long.algorithm == .sha512)
        #expect(long.sha256 == nil)
    }

    @Test(arguments: [
        "sha256:" + String(repeating: "0123456789ABCDEF", count: 4),   // upper-case hex
        "sha256:" + String(repeating: "a", count: 63),                 // one digit short
        "sha256:" + String(repeating: "a", count: 65),                 // one digit long
        "sha512:" + String(repeating: "a", count: 64),                 // a sha256 length under sha512
        "sha256:" + String(repeating: "g", count: 64),                 // not hex
        "md5:d41d8cd98f00b204e9800998ecf8427e",                        // an unregistered algorithm
        "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",      // the grammar's separators
    ])
    func wellFormedDigestsOfNoRegisteredEncodingAreUnsupported(text: String) {
        #expect(ContentDigest.parse(text) == .unsupported)
        #expect(ContentDigest(text) == nil)
    }

    @Test(arguments: ["", "sha256", "sha256:", ":abc", "SHA256:" + String(repeating: "a", count: 64), "sha256:abc def",
                      "sha256:ab/cd", "sha 256:ab"])
    func textOutsideTheDigestGrammarIsMalformed(text: String) {
        #expect(ContentDigest.parse(text) == .malformed)
    }

    @Test func digestsOfContentUseLowerCaseHex() {
        let digest = ContentDigest(sha256: SHA256Value.of(Array("hello".utf8)))
        #expect(digest.string == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    }
}
