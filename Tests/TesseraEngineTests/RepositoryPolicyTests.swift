import Foundation
import Testing
@testable import TesseraEngine

/// Repository policies decide cross-account access as "Private repository policy examples in Amazon
/// ECR" shows and IAM's policy evaluation logic says, and are refused with ECR's message when malformed.
struct RepositoryPolicyTests {
    static let owner = "111122223333"
    static let other = "444455556666"

    /// A policy of one statement whose members are `members` (JSON object members text).
    static func statement(_ members: String) -> String {
        #"{"Version": "2012-10-17", "Statement": [{\#(members)}]}"#
    }

    /// The error `json` is refused with, or nil when it is accepted.
    static func refusal(_ json: String) -> RepositoryPolicyError? {
        do {
            _ = try RepositoryPolicy(json: json)
            return nil
        } catch {
            return error
        }
    }

    static func allowsAll(_ policy: RepositoryPolicy, _ account: String, _ actions: [String]) -> Bool {
        actions.allSatisfy { policy.allows(account: account, action: $0) }
    }

    // MARK: The documented examples

    @Test func allowOneOrMoreUsersGrantsTheirAccountPushAndPull() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Statement": [{"Sid": "AllowPushPull", "Effect": "Allow",
          "Principal": {"AWS": ["arn:aws:iam::111122223333:user/push-pull-user-1", "arn:aws:iam::111122223333:user/push-pull-user-2"]},
          "Action": ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer",
                     "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
          "Resource": "*"}]}
        """#)
        #expect(Self.allowsAll(policy, Self.owner, RepositoryPolicy.pullActions + RepositoryPolicy.pushActions))
        #expect(!policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
        #expect(!policy.allows(account: Self.owner, action: "ecr:DeleteRepository"))
        #expect(policy.statements.first?.sid == "AllowPushPull")
        #expect(policy.statements.first?.principals == [.account(Self.owner), .account(Self.owner)])
    }

    @Test func allowAnotherAccountGrantsPushOnly() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Statement": [{"Sid": "AllowCrossAccountPush", "Effect": "Allow",
          "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
          "Action": ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
          "Resource": "*"}]}
        """#)
        #expect(Self.allowsAll(policy, Self.owner, RepositoryPolicy.pushActions))
        #expect(!policy.allows(account: Self.owner, action: "ecr:BatchGetImage"))
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
    }

    @Test func pullUsersAndAnAdminInOneAccount() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Statement": [
          {"Sid": "AllowPull", "Effect": "Allow",
           "Principal": {"AWS": ["arn:aws:iam::111122223333:user/pull-user-1", "arn:aws:iam::111122223333:user/pull-user-2"]},
           "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"},
          {"Sid": "AllowAll", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin-user"},
           "Action": ["ecr:*"], "Resource": "*"}]}
        """#)
        #expect(policy.allows(account: Self.owner, action: "ecr:DeleteRepository"))
        #expect(!policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
    }

    @Test func denyAllDeniesPullsToEveryone() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Statement": [{"Sid": "DenyPull", "Effect": "Deny", "Principal": "*",
          "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"}]}
        """#)
        #expect(!policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"), "nothing is allowed either")
    }

    @Test func theIPRestrictionDenyHoldsForEveryCrossAccountCaller() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Id": "ECRPolicyId1","Statement": [
          {"Sid": "IPAllow", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
           "Condition": {"NotIpAddress": {"aws:SourceIp": "54.240.143.0/24"}}},
          {"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}
        """#)
        #expect(!policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
        #expect(policy.statements.first?.hasCondition == true)
    }

    @Test func theServiceExampleGrantsNoAccount() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version":"2012-10-17","Statement":[{"Sid":"CodeBuildAccess","Effect":"Allow",
          "Principal":{"Service":"codebuild.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource": "*",
          "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:codebuild:us-east-1:123456789012:project/project-name"},
                       "StringEquals":{"aws:SourceAccount":"123456789012"}}}]}
        """#)
        #expect(!policy.allows(account: "123456789012", action: "ecr:BatchGetImage"))
        #expect(policy.statements.first?.principals == [.service("codebuild.amazonaws.com")])
    }

    @Test func allowAllAccountsToPullTheOlderWay() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Version": "2008-10-17", "Statement": [{"Sid": "AllowPull", "Effect": "Allow", "Principal": "*",
          "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]}]}
        """#)
        #expect(Self.allowsAll(policy, Self.other, RepositoryPolicy.pullActions))
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
    }

    // MARK: Principals

    @Test(arguments: [
        #""*""#, #"{"AWS": "*"}"#, #"{"AWS": "111122223333"}"#, #"{"AWS": "arn:aws:iam::111122223333:root"}"#,
        #"{"AWS": "arn:aws:iam::111122223333:user/team/alice"}"#, #"{"AWS": "arn:aws:iam::111122223333:role/service-role/builder"}"#,
        #"{"AWS": "arn:aws:sts::111122223333:assumed-role/builder/session-1"}"#, #"{"AWS": "arn:aws-cn:iam::111122223333:root"}"#,
        #"{"AWS": ["999999999999", "111122223333"]}"#, #"{"AWS": "444455556666", "Service": "ecs.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"}"#,
    ])
    func principalFormsNameTheOwnersAccount(_ principal: String) throws {
        let policy = try RepositoryPolicy(json: Self.statement(#""Effect": "Allow", "Principal": \#(principal), "Action": "ecr:BatchGetImage""#))
        let expected = principal.contains(Self.owner) || principal.contains("*")
        #expect(policy.allows(account: Self.owner, action: "ecr:BatchGetImage") == expected)
    }

    @Test func aPrincipalOfOneAccountDoesNotGrantAnother() throws {
        let policy = try RepositoryPolicy(json: Self.statement(
            #""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/builder"}, "Action": "ecr:*""#))
        #expect(policy.allows(account: Self.owner, action: "ecr:PutImage"))
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
    }

    // MARK: Actions

    @Test(arguments: [
        (#""ecr:*""#, true), (#""*""#, true), (#""ecr:Batch*""#, true), (#""ECR:batchgetimage""#, true),
        (#""ecr:BatchGet?mage""#, true), (#""ecr:BatchGetImage""#, true), (#"["s3:*", "ecr:Get*"]"#, false),
        (#""ecr:Put*""#, false), (#""s3:*""#, false), (#""ecr:BatchGetImag""#, false), (#""ecr:BatchGet?""#, false),
    ])
    func actionPatternsMatchLikeIAM(_ action: String, _ coversBatchGetImage: Bool) throws {
        let policy = try RepositoryPolicy(json: Self.statement(#""Effect": "Allow", "Principal": "*", "Action": \#(action)"#))
        #expect(policy.allows(account: Self.other, action: "ecr:BatchGetImage") == coversBatchGetImage)
    }

    @Test func notActionCoversEveryOtherAction() throws {
        let policy = try RepositoryPolicy(json: Self.statement(
            #""Effect": "Allow", "Principal": {"AWS": "444455556666"}, "NotAction": ["ecr:PutImage", "ecr:Delete*"]"#))
        #expect(Self.allowsAll(policy, Self.other, RepositoryPolicy.pullActions))
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
        #expect(!policy.allows(account: Self.other, action: "ecr:DeleteRepositoryPolicy"))
    }

    // MARK: Evaluation

    @Test func anExplicitDenyWinsOverAnAllow() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
          {"Effect": "Deny", "Principal": {"AWS": "444455556666"}, "Action": "ecr:PutImage"}]}
        """#)
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
        #expect(policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
        #expect(policy.allows(account: Self.owner, action: "ecr:PutImage"))
    }

    @Test func anAllowWithAConditionNeverGrants() throws {
        let policy = try RepositoryPolicy(json: Self.statement(
            #""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}"#))
        #expect(!policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
    }

    @Test func aDenyWithAConditionDenies() throws {
        let policy = try RepositoryPolicy(json: #"""
        {"Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
          {"Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        """#)
        #expect(!policy.allows(account: Self.other, action: "ecr:PutImage"))
        #expect(policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
    }

    @Test func nothingIsAllowedUnlessAStatementAllowsIt() throws {
        let policy = try RepositoryPolicy(json: #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "ecr:BatchGetImage"}}"#)
        #expect(policy.allows(account: Self.other, action: "ecr:BatchGetImage"))
        #expect(!policy.allows(account: Self.other, action: "ecr:GetDownloadUrlForLayer"))
        #expect(!policy.allows(account: Self.owner, action: "ecr:BatchGetImage"))
    }

    @Test func imageActionListsFollowTheDocs() {
        #expect(RepositoryPolicy.pullActions == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"])
        #expect(RepositoryPolicy.pushActions == ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                                                 "ecr:CompleteLayerUpload", "ecr:BatchCheckLayerAvailability"])
    }

    // MARK: Refusals

    @Test func everyRefusalCarriesECRsMessage() {
        let error = Self.refusal("not json")
        #expect(error?.message == "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'")
        #expect(error?.reason == "the policy text is not a JSON object")
    }

    @Test(arguments: [
        ("not json", "the policy text is not a JSON object"),
        ("[]", "the policy text is not a JSON object"),
        (#"{"Statement": [], "Statement": []}"#, "the policy text is not a JSON object"),
        (#"{"Version": "2012-10-17"}"#, "the policy has no Statement"),
        (#"{"Statement": []}"#, "Statement must not be empty"),
        (#"{"Statement": "Allow"}"#, "Statement must be an object or an array of objects"),
        (#"{"Statement": [1]}"#, "Statement[0] is not an object"),
        (#"{"Statement": {}, "Extra": 1}"#, "unknown policy element Extra"),
        (#"{"Version": "2020-01-01", "Statement": {}}"#, "Version must be 2012-10-17 or 2008-10-17"),
        (#"{"Id": 5, "Statement": {}}"#, "Id must be a string"),
    ])
    func documentShapeIsChecked(_ json: String, _ reason: String) {
        #expect(Self.refusal(json)?.reason == reason)
    }

    @Test(arguments: [
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Other": 1"#, "Statement[0] has unknown element Other"),
        (#""Sid": 1, "Effect": "Allow", "Principal": "*", "Action": "ecr:*""#, "Statement[0].Sid must be a string"),
        (#""Principal": "*", "Action": "ecr:*""#, "Statement[0].Effect must be Allow or Deny"),
        (#""Effect": "allow", "Principal": "*", "Action": "ecr:*""#, "Statement[0].Effect must be Allow or Deny"),
        (#""Effect": "Allow", "Action": "ecr:*""#, "Statement[0] has no Principal"),
        (#""Effect": "Allow", "Principal": "*""#, "Statement[0] has neither Action nor NotAction"),
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "NotAction": "ecr:PutImage""#, "Statement[0] has both Action and NotAction"),
        (#""Effect": "Allow", "NotPrincipal": {"AWS": "444455556666"}, "Action": "ecr:*""#,
         "Statement[0] uses NotPrincipal, which this registry does not support"),
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "NotResource": "*""#,
         "Statement[0] uses NotResource, which this registry does not support"),
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/r""#,
         "Statement[0].Resource may only be \"*\", the repository the policy is attached to"),
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": "yes""#,
         "Statement[0].Condition must map condition operators to objects of condition keys"),
        (#""Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": {"StringEquals": {}}"#,
         "Statement[0].Condition must map condition operators to objects of condition keys"),
    ])
    func statementShapeIsChecked(_ members: String, _ reason: String) {
        #expect(Self.refusal(Self.statement(members))?.reason == reason)
    }

    @Test(arguments: [
        (#""123456789012""#, "Statement[0].Principal must be \"*\" or an object such as {\"AWS\": \"123456789012\"}"),
        ("{}", "Statement[0].Principal must be \"*\" or an object such as {\"AWS\": \"123456789012\"}"),
        (#"{"AWS": "12345"}"#, "Statement[0].Principal.AWS entry 12345 is not an account ID or an IAM root, user or role ARN"),
        (#"{"AWS": "arn:aws:iam::111122223333:*"}"#,
         "Statement[0].Principal.AWS entry arn:aws:iam::111122223333:* is not an account ID or an IAM root, user or role ARN"),
        (#"{"AWS": "arn:aws:iam::111122223333:user/*"}"#,
         "Statement[0].Principal.AWS entry arn:aws:iam::111122223333:user/* is not an account ID or an IAM root, user or role ARN"),
        (#"{"AWS": "arn:aws:iam::111122223333:group/devs"}"#,
         "Statement[0].Principal.AWS entry arn:aws:iam::111122223333:group/devs is not an account ID or an IAM root, user or role ARN"),
        (#"{"AWS": "arn:aws:iam::111122223333:user/"}"#,
         "Statement[0].Principal.AWS entry arn:aws:iam::111122223333:user/ is not an account ID or an IAM root, user or role ARN"),
        (#"{"AWS": []}"#, "Statement[0].Principal.AWS must be a string or a non-empty array of strings"),
        (#"{"AWS": [1]}"#, "Statement[0].Principal.AWS must hold only strings"),
        (#"{"CanonicalUser": "abc"}"#, "Statement[0].Principal has an invalid CanonicalUser entry abc"),
        (#"{"Service": "*"}"#, "Statement[0].Principal has an invalid Service entry *"),
    ])
    func principalsAreChecked(_ principal: String, _ reason: String) {
        #expect(Self.refusal(Self.statement(#""Effect": "Allow", "Principal": \#(principal), "Action": "ecr:*""#))?.reason == reason)
    }

    @Test(arguments: [
        (#""""#, "Statement[0].Action entry  is not \"*\" or service:action"),
        (#""ecr""#, "Statement[0].Action entry ecr is not \"*\" or service:action"),
        (#""ecr:""#, "Statement[0].Action entry ecr: is not \"*\" or service:action"),
        (#""e*r:Get""#, "Statement[0].Action entry e*r:Get is not \"*\" or service:action"),
        (#""ecr:Batch Get""#, "Statement[0].Action entry ecr:Batch Get is not \"*\" or service:action"),
        ("[]", "Statement[0].Action must be a string or a non-empty array of strings"),
        ("[true]", "Statement[0].Action must hold only strings"),
    ])
    func actionsAreChecked(_ action: String, _ reason: String) {
        #expect(Self.refusal(Self.statement(#""Effect": "Allow", "Principal": "*", "Action": \#(action)"#))?.reason == reason)
    }
}
