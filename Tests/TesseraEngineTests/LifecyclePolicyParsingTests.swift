import Foundation
import Testing
@testable import TesseraEngine

/// Lifecycle policy texts are parsed and checked as "Lifecycle policy properties in Amazon ECR" and
/// "Examples of lifecycle policies in Amazon ECR" describe them.
struct LifecyclePolicyParsingTests {
    /// A policy of one rule with `selection` and `action` (JSON object texts).
    static func oneRule(_ selection: String, action: String = #"{"type": "expire"}"#) -> String {
        #"{"rules": [{"rulePriority": 1, "selection": \#(selection), "action": \#(action)}]}"#
    }

    /// A rule object text.
    static func rule(_ priority: Int, _ selection: String, action: String = #"{"type": "expire"}"#) -> String {
        #"{"rulePriority": \#(priority), "selection": \#(selection), "action": \#(action)}"#
    }

    /// A policy of the rule object texts `rules`.
    static func policy(_ rules: String...) -> String {
        #"{"rules": [\#(rules.joined(separator: ","))]}"#
    }

    /// The error `json` is refused with, or nil when it is accepted.
    static func refusal(_ json: String) -> LifecyclePolicyError? {
        do {
            _ = try LifecyclePolicy(json: json)
            return nil
        } catch {
            return error
        }
    }

    static let untaggedCount = #"{"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}"#

    // MARK: Documented examples

    @Test(arguments: Documented.all)
    func documentedExampleParses(_ json: String) throws {
        _ = try LifecyclePolicy(json: json)
    }

    @Test func rulesAreReadFieldByFieldAndSortedByPriority() throws {
        let policy = try LifecyclePolicy(json: Self.policy(
            #"{"rulePriority": 7, "description": "archive prod", "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition", "targetStorageClass": "archive"}}"#,
            Self.rule(2, #"{"tagStatus": "tagged", "tagPrefixList": ["beta", "rc"], "countType": "imageCountMoreThan", "countNumber": 5}"#),
            Self.rule(9, #"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}"#)))
        #expect(policy.rules.map(\.rulePriority) == [2, 7, 9])
        #expect(policy.rules[0].description == nil)
        #expect(policy.rules[0].selection.tagFilter == .prefixes(["beta", "rc"]))
        #expect(policy.rules[0].selection.count == .imageCountMoreThan(5))
        #expect(policy.rules[0].action == .expire)
        #expect(policy.rules[1].description == "archive prod")
        #expect(policy.rules[1].selection.tagStatus == .tagged)
        #expect(policy.rules[1].selection.tagFilter == .patterns(["prod*"]))
        #expect(policy.rules[1].selection.storageClass == .standard)
        #expect(policy.rules[1].selection.count == .sinceImagePushed(days: 30))
        #expect(policy.rules[1].action == .transition(to: .archive))
        #expect(policy.rules[2].selection.storageClass == .archive)
        #expect(policy.rules[2].selection.count == .sinceImageTransitioned(days: 365))
        #expect(policy.rules[2].selection.tagFilter == nil)
    }

    @Test func fourWildcardsPerPatternAreAllowedAsDocumented() throws {
        let policy = try LifecyclePolicy(json: Self.oneRule(
            #"{"tagStatus": "tagged", "tagPatternList": ["*test*1*2*3", "test*1*2*3*"], "countType": "imageCountMoreThan", "countNumber": 1}"#))
        #expect(policy.rules[0].selection.tagFilter == .patterns(["*test*1*2*3", "test*1*2*3*"]))
    }

    @Test func anyRulesMayCloseEachStorageClass() throws {
        let policy = try LifecyclePolicy(json: Self.policy(
            Self.rule(1, #"{"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}"#,
                      action: #"{"type": "transition", "targetStorageClass": "archive"}"#),
            Self.rule(2, #"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}"#)))
        #expect(policy.rules.count == 2)
    }

    @Test func theSameTagListMayBeUsedForEachStorageClassAndUntaggedOncePerClass() throws {
        let policy = try LifecyclePolicy(json: Self.policy(
            Self.rule(1, #"{"tagStatus": "tagged", "tagPatternList": ["*-sha-*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}"#,
                      action: #"{"type": "transition", "targetStorageClass": "archive"}"#),
            Self.rule(2, #"{"tagStatus": "tagged", "tagPatternList": ["*-sha-*"], "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}"#),
            Self.rule(3, Self.untaggedCount),
            Self.rule(4, #"{"tagStatus": "untagged", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}"#)))
        #expect(policy.rules.count == 4)
    }

    // MARK: Errors

    @Test func errorMessagesReadLikeECRs() {
        let error = Self.refusal(Self.policy(Self.rule(1, Self.untaggedCount), Self.rule(2, Self.untaggedCount)))
        #expect(error?.message == "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
            + "'Lifecycle policy validation failure: Only one rule can select Untagged images per storage class.'")
        #expect(error?.detail == "Only one rule can select Untagged images per storage class.")
        #expect(error?.reason == "more than one rule selects untagged standard images")
    }

    @Test(arguments: [
        "not json", "[]", #"[{"rules": []}]"#, "\"rules\"", #"{"rules": [],}"#, #"{'rules': []}"#,
        #"{"rules": [1] /* comment */}"#,
        #"{"rules": [], "rules": []}"#,
    ])
    func textThatIsNotAJSONObjectCannotBeMapped(_ json: String) {
        #expect(Self.refusal(json) == .unreadable)
        #expect(Self.refusal(json)?.detail == "Could not map policyString into LifecyclePolicy.")
    }

    @Test func documentLevelShapeIsChecked() {
        #expect(Self.refusal("{}")?.detail == #"object has missing required properties (["rules"])"#)
        #expect(Self.refusal(#"{"rules": {}}"#)?.detail
            == #"instance type (object) does not match any allowed primitive type (allowed: ["array"])"#)
        #expect(Self.refusal(#"{"rules": []}"#)?.detail
            == "array is too short: must have at least 1 elements but instance has 0 elements")
        #expect(Self.refusal(#"{"rules": [], "extra": 1}"#)?.detail
            == #"object instance has properties which are not allowed by the schema: (["extra"])"#)
        #expect(Self.refusal(#"{"rules": ["not_dict"]}"#)?.detail
            == #"instance type (string) does not match any allowed primitive type (allowed: ["object"])"#)
    }

    @Test func ruleLevelShapeIsChecked() {
        let selection = Self.untaggedCount
        #expect(Self.refusal(#"{"rules": [{"selection": \#(selection), "action": {"type": "expire"}}]}"#)?.detail
            == #"object has missing required properties (["rulePriority"])"#)
        #expect(Self.refusal(#"{"rules": [{"rulePriority": 1}]}"#)?.detail
            == #"object has missing required properties (["action", "selection"])"#)
        #expect(Self.refusal(#"{"rules": [{"rulePriority": 1, "selection": \#(selection), "action": {"type": "expire"}, "unknown": 123}]}"#)?.detail
            == #"object instance has properties which are not allowed by the schema: (["unknown"])"#)
        #expect(Self.refusal(Self.policy(Self.rule(0, selection)))?.detail
            == "numeric instance is lower than the required minimum (minimum: 1, found: 0)")
        #expect(Self.refusal(#"{"rules": [{"rulePriority": "1", "selection": \#(selection), "action": {"type": "expire"}}]}"#)?.detail
            == #"instance type (string) does not match any allowed primitive type (allowed: ["integer"])"#)
        #expect(Self.refusal(#"{"rules": [{"rulePriority": 1.5, "selection": \#(selection), "action": {"type": "expire"}}]}"#)?.detail
            == #"instance type (number) does not match any allowed primitive type (allowed: ["integer"])"#)
        #expect(Self.refusal(#"{"rules": [{"rulePriority": 1, "description": 5, "selection": \#(selection), "action": {"type": "expire"}}]}"#)?.reason
            == "rules[0].description must be of type string, not integer")
    }

    @Test func actionShapeIsChecked() {
        let selection = Self.untaggedCount
        let noShape = "instance failed to match exactly one schema (matched 0 out of 2)"
        #expect(Self.refusal(Self.oneRule(selection, action: "{}"))?.detail == #"object has missing required properties (["type"])"#)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "expire", "unknown": 123}"#))?.detail
            == #"object instance has properties which are not allowed by the schema: (["unknown"])"#)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "keep"}"#))?.detail
            == #"instance value (keep) not found in enum :(possible values: ["expire", "transition"])"#)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "transition"}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "expire", "targetStorageClass": "archive"}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "expire", "targetStorageClass": null}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(selection, action: #"{"type": "transition", "targetStorageClass": "standard"}"#))?.detail
            == #"instance value (standard) not found in enum :(possible values: ["archive"])"#)
    }

    @Test func selectionShapeIsChecked() {
        let noShape = "instance failed to match exactly one schema (matched 0 out of 2)"
        #expect(Self.refusal(Self.oneRule(#"{"countType": "imageCountMoreThan", "countNumber": 30}"#))?.detail
            == #"object has missing required properties (["tagStatus"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countNumber": 30}"#))?.detail
            == #"object has missing required properties (["countType"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "imageCountMoreThan"}"#))?.detail
            == #"object has missing required properties (["countNumber"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 30, "unknown": 123}"#))?.detail
            == #"object instance has properties which are not allowed by the schema: (["unknown"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "unknown", "countType": "imageCountMoreThan", "countNumber": 30}"#))?.detail
            == #"instance value (unknown) not found in enum :(possible values: ["any", "tagged", "untagged"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "unknown", "countNumber": 30}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "imageCountMoreThan", "countUnit": "days", "countNumber": 5}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 5}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": null, "countNumber": 5}"#))?.detail == noShape)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "unknown", "countNumber": 30}"#))?.detail
            == #"instance value (unknown) not found in enum :(possible values: ["days"])"#)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 0}"#))?.detail
            == "numeric instance is lower than the required minimum (minimum: 1, found: 0)")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": -1}"#))?.detail
            == "numeric instance is lower than the required minimum (minimum: 1, found: -1)")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "storageClass": "glacier", "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == #"instance value (glacier) not found in enum :(possible values: ["archive", "standard"])"#)
    }

    @Test func tagListsFollowTheTagStatus() {
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "tagged", "tagPrefixList": ["a"], "tagPatternList": ["b*"], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == "A rule may specify either tagPatternList or tagPrefixList, but not both.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "untagged", "tagPrefixList": ["a"], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == "tagPrefixList and tagPatternList may only be used when tagStatus=TAGGED.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "tagPatternList": ["a*"], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.reason
            == "rules[0].selection has a tag list but tagStatus is any")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "tagged", "tagPrefixList": [], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == "array is too short: must have at least 1 elements but instance has 0 elements")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "tagged", "tagPrefixList": ["a", 2], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.reason
            == "rules[0].selection.tagPrefixList[1] must be of type string, not integer")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "tagged", "tagPatternList": ["test*1*2*3*4*5*6"], "countType": "imageCountMoreThan", "countNumber": 1}"#))?.detail
            == "Maximum of 4 wildcards (*) allowed per tagPatternList string: test*1*2*3*4*5*6")
    }

    @Test func storageClassCountTypeAndActionMustFit() {
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}"#))?.detail
            == "storageClass must be archive when countType=sinceImageTransitioned.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 365}"#))?.detail
            == "storageClass archive can only be used with countType=sinceImageTransitioned.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}"#,
                                          action: #"{"type": "transition", "targetStorageClass": "archive"}"#))?.detail
            == "countType=sinceImageTransitioned can only be used with action type expire.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 89}"#))?.detail
            == "countNumber must be at least 90 when countType=sinceImageTransitioned.")
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 90}"#)) == nil)
        #expect(Self.refusal(Self.oneRule(#"{"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90}"#))?.detail
            == "countType=sinceImagePulled can only be used with action type transition.")
    }

    @Test func rulesMustNotConflict() {
        let prodCount = #"{"tagStatus": "tagged", "tagPrefixList": ["prod"], "countType": "imageCountMoreThan", "countNumber": 1}"#
        #expect(Self.refusal(Self.policy(Self.rule(1, prodCount), Self.rule(1, Self.untaggedCount)))?.detail
            == "Rule priorities must be unique. Duplicate rulePriority: 1.")
        #expect(Self.refusal(Self.policy(
            Self.rule(1, #"{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}"#), Self.rule(2, prodCount)))?.detail
            == "Rule for tagStatus=ANY must have the lowest priority per storage class")
        #expect(Self.refusal(Self.policy(Self.rule(3, Self.untaggedCount),
                                         Self.rule(5, #"{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3}"#)))?.detail
            == "Only one rule can select Untagged images per storage class.")
        #expect(Self.refusal(Self.policy(Self.rule(1, prodCount),
                                         Self.rule(2, #"{"tagStatus": "tagged", "tagPrefixList": ["prod", "prod"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 3}"#)))?.detail
            == "The set of rules per storage class must contain a unique set of tag prefixes.")
        #expect(Self.refusal(Self.policy(
            Self.rule(1, #"{"tagStatus": "tagged", "tagPatternList": ["a*", "b*"], "countType": "imageCountMoreThan", "countNumber": 1}"#),
            Self.rule(2, #"{"tagStatus": "tagged", "tagPatternList": ["b*", "a*"], "countType": "imageCountMoreThan", "countNumber": 2}"#)))?.reason
            == "rulePriority 2 repeats another rule's tag list [\"a*\", \"b*\"] for standard images")
    }

    @Test func jsonReaderIsStrictAndKeepsIntegersApart() {
        #expect(PolicyJSON.parse(#"{"a": [1, 1.0, -2, 1e2, "\u00e9\ud83d\ude00\n", true, null]}"#)
            == .object(["a": .array([.integer(1), .number(1), .integer(-2), .number(100), .string("é😀\n"), .boolean(true), .null])]))
        #expect(PolicyJSON.parse(#"[1,]"#) == nil)
        #expect(PolicyJSON.parse(#"[01]"#) == nil)
        #expect(PolicyJSON.parse(#""\ud83d""#) == nil)
        #expect(PolicyJSON.parse(#""\u+041""#) == nil)
        #expect(PolicyJSON.parse(#""\u0041\/""#) == .string("A/"))
        #expect(PolicyJSON.parse("\"tab\there\"") == nil)
        #expect(PolicyJSON.parse(String(repeating: "[", count: 40) + String(repeating: "]", count: 40)) == nil)
        #expect(PolicyJSON.parse(" [ ] ") == .array([]))
    }
}

extension LifecyclePolicyParsingTests {
    /// The example policies of "Examples of lifecycle policies in Amazon ECR"
    /// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html), verbatim.
    enum Documented {
        static let imageAge = #"""
        {"rules": [{"rulePriority": 1, "description": "Expire images older than 14 days",
          "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
          "action": {"type": "expire"}}]}
        """#
        static let lastPulled = #"""
        {"rules": [{"rulePriority": 1, "description": "Archive images not pulled in 90 days",
          "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90},
          "action": {"type": "transition", "targetStorageClass": "archive"}}]}
        """#
        static let archiveTransitionTime = #"""
        {"rules": [{"rulePriority": 1, "description": "Expire images archived for more than 365 days",
          "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365},
          "action": {"type": "expire"}}]}
        """#
        static let imageCount = #"""
        {"rules": [{"rulePriority": 1, "description": "Keep only one untagged image, expire all others",
          "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1},
          "action": {"type": "expire"}}]}
        """#
        static let multipleRulesA = #"""
        {"rules": [
          {"rulePriority": 1, "description": "Rule 1", "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
          {"rulePriority": 2, "description": "Rule 2", "selection": {"tagStatus": "tagged", "tagPatternList": ["beta*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
        """#
        static let multipleRulesB = #"""
        {"rules": [
          {"rulePriority": 1, "description": "Rule 1", "selection": {"tagStatus": "tagged", "tagPatternList": ["beta*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
          {"rulePriority": 2, "description": "Rule 2", "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
        """#
        static let multipleTagsA = #"""
        {"rules": [{"rulePriority": 1, "description": "Rule 1",
          "selection": {"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "sinceImagePushed", "countNumber": 5, "countUnit": "days"},
          "action": {"type": "expire"}}]}
        """#
        static let multipleTagsB = #"""
        {"rules": [{"rulePriority": 1, "description": "Rule 1",
          "selection": {"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "imageCountMoreThan", "countNumber": 1},
          "action": {"type": "expire"}}]}
        """#
        static let allImagesA = #"""
        {"rules": [{"rulePriority": 1, "description": "Rule 1",
          "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
          "action": {"type": "expire"}}]}
        """#
        static let allImagesB = #"""
        {"rules": [
          {"rulePriority": 1, "description": "Rule 1", "selection": {"tagStatus": "tagged", "tagPatternList": ["alpha*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
          {"rulePriority": 2, "description": "Rule 2", "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}},
          {"rulePriority": 3, "description": "Rule 3", "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}
        """#
        static let archiveOlderThan30Days = #"""
        {"rules": [{"rulePriority": 1, "description": "Archive production images older than 30 days",
          "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30},
          "action": {"type": "transition", "targetStorageClass": "archive"}}]}
        """#
        static let archiveThenExpire = #"""
        {"rules": [
          {"rulePriority": 1, "description": "Archive images older than 30 days", "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30}, "action": {"type": "transition", "targetStorageClass": "archive"}},
          {"rulePriority": 2, "description": "Expire images archived for more than 365 days", "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365}, "action": {"type": "expire"}}]}
        """#

        static let all = [
            imageAge, lastPulled, archiveTransitionTime, imageCount, multipleRulesA, multipleRulesB, multipleTagsA,
            multipleTagsB, allImagesA, allImagesB, archiveOlderThan30Days, archiveThenExpire,
        ]
    }
}
