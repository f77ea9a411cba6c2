import Foundation
import Testing
import TesseraClient

/// Profiles that assume a role (`role_arn`), read as botocore reads them: where the source credentials come
/// from, which settings go to AssumeRole, and each configuration that cannot work named with why.
struct AssumedRoleTests {
    static let credentialsFile = """
        [base]
        aws_access_key_id = AKIDBASE
        aws_secret_access_key = secret-base
        [selfish]
        aws_access_key_id = AKIDSELF
        aws_secret_access_key = secret-self
        role_arn = arn:aws:iam::123456789012:role/selfish
        source_profile = selfish
        """
    static let configFile = """
        [profile deploy]
        role_arn = arn:aws:iam::123456789012:role/deploy
        source_profile = base
        role_session_name = ci-run
        external_id = ext-1
        duration_seconds = 1800
        region = eu-west-1
        [profile admin]
        role_arn = arn:aws:iam::210987654321:role/admin
        source_profile = deploy
        [profile env]
        role_arn = arn:aws:iam::123456789012:role/env
        credential_source = Environment
        [profile both]
        role_arn = arn:aws:iam::1:role/x
        source_profile = base
        credential_source = Environment
        [profile neither]
        role_arn = arn:aws:iam::1:role/x
        [profile metadata]
        role_arn = arn:aws:iam::1:role/x
        credential_source = Ec2InstanceMetadata
        [profile odd]
        role_arn = arn:aws:iam::1:role/x
        credential_source = Lambda
        [profile missing]
        role_arn = arn:aws:iam::1:role/x
        source_profile = nobody
        [profile loop-a]
        role_arn = arn:aws:iam::1:role/a
        source_profile = loop-b
        [profile loop-b]
        role_arn = arn:aws:iam::1:role/b
        source_profile = loop-a
        [profile mfa]
        role_arn = arn:aws:iam::1:role/x
        source_profile = base
        mfa_serial = arn:aws:iam::1:mfa/me
        [profile long]
        role_arn = arn:aws:iam::1:role/x
        source_profile = base
        duration_seconds = 90000
        [profile federated]
        role_arn = arn:aws:iam::123456789012:role/federated
        web_identity_token_file = /var/run/token
        role_session_name = ci-job
        [profile tokenonly]
        web_identity_token_file = /var/run/token
        """

    /// The AssumeRole calls a fake STS received: the role and the access key that signed the call.
    final class STSLog: @unchecked Sendable {
        private let lock = NSLock()
        private var logged: [(role: AssumedRole, signer: String)] = []
        var calls: [(role: AssumedRole, signer: String)] { lock.withLock { logged } }

        /// Answers with credentials named after the role, valid for an hour.
        var assumer: RoleAssumer {
            { role, source in
                let signer = try await source.current().accessKeyID
                self.lock.withLock { self.logged.append((role, signer)) }
                let name = role.roleARN.split(separator: "/").last.map(String.init) ?? "?"
                return AWSCredentials(accessKeyID: "ASIA\(name.uppercased())", secretAccessKey: "s-\(name)",
                                      sessionToken: "token-\(name)", expiration: Date() + 3600)
            }
        }
    }

    static func resolver(_ environment: [String: String] = [:]) -> AWSConfigurationResolver {
        AWSConfigurationResolver(environment: environment.merging(["HOME": "/home/user"]) { $1 }) { path in
            switch path {
            case "/home/user/.aws/credentials": credentialsFile
            case "/home/user/.aws/config": configFile
            default: nil
            }
        }
    }

    @Test func aRoleIsAssumedWithItsSourceProfilesKeysAndSettings() async throws {
        let sts = STSLog()
        let provider = try Self.resolver().credentialProvider(profile: "deploy", assumeRole: sts.assumer)
        #expect(sts.calls.isEmpty, "the role is assumed when the first request is signed")
        let credentials = try await provider.current()
        #expect(credentials.accessKeyID == "ASIADEPLOY")
        #expect(credentials.sessionToken == "token-deploy")
        #expect(sts.calls.count == 1)
        let call = try #require(sts.calls.first)
        #expect(call.signer == "AKIDBASE")
        #expect(call.role == AssumedRole(profile: "deploy", roleARN: "arn:aws:iam::123456789012:role/deploy",
                                         source: .profile("base"), sessionName: "ci-run", externalID: "ext-1",
                                         durationSeconds: 1800))
        #expect(provider.identity == "profile deploy (role arn:aws:iam::123456789012:role/deploy)")
        _ = try await provider.current()
        #expect(sts.calls.count == 1, "credentials good for an hour are not fetched again")
    }

    @Test func anMFADeviceGoesWithTheRole() throws {
        let role = try #require(try AssumedRole(profile: "mfa", settings: [
            "role_arn": "arn:aws:iam::1:role/x", "source_profile": "base", "mfa_serial": "arn:aws:iam::1:mfa/me"]))
        #expect(role.mfaSerial == "arn:aws:iam::1:mfa/me")
    }

    @Test func aRoleWhoseSourceAssumesARoleIsAChain() async throws {
        let sts = STSLog()
        let credentials = try await Self.resolver().credentials(profile: "admin", assumeRole: sts.assumer)
        #expect(credentials.accessKeyID == "ASIAADMIN")
        #expect(sts.calls.map(\.signer) == ["AKIDBASE", "ASIADEPLOY"])
        #expect(sts.calls.last?.role.sessionName.hasPrefix("botocore-session-") == true)
        #expect(sts.calls.last?.role.durationSeconds == nil)
    }

    @Test func aSourceProfileWithItsOwnKeysUsesThemEvenWhenItIsTheRolesProfile() async throws {
        let sts = STSLog()
        let credentials = try await Self.resolver().credentials(profile: "selfish", assumeRole: sts.assumer)
        #expect(credentials.accessKeyID == "ASIASELFISH")
        #expect(sts.calls.map(\.signer) == ["AKIDSELF"])
    }

    @Test func credentialSourceEnvironmentSignsWithTheEnvironmentsKeys() async throws {
        let sts = STSLog()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"]
        let credentials = try await Self.resolver(environment).credentials(profile: "env", assumeRole: sts.assumer)
        #expect(credentials.accessKeyID == "ASIAENV")
        #expect(sts.calls.map(\.signer) == ["AKIDENV"])
    }

    @Test func environmentKeysComeBeforeTheRoleOfAProfileNotNamedOnTheCommandLine() async throws {
        let sts = STSLog()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "deploy"]
        #expect(try await Self.resolver(environment).credentials(profile: nil, assumeRole: sts.assumer).accessKeyID == "AKIDENV")
        #expect(sts.calls.isEmpty)
    }

    @Test func webIdentityVariablesAssumeTheRoleUnsigned() async throws {
        let sts = STSLog()
        let environment = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/run/oidc/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci",
                           "AWS_ROLE_SESSION_NAME": "job-42"]
        let provider = try Self.resolver(environment).credentialProvider(profile: nil, assumeRole: sts.assumer)
        #expect(try await provider.current().accessKeyID == "ASIACI")
        #expect(provider.identity == "role arn:aws:iam::1:role/ci (web identity)")
        let call = try #require(sts.calls.first)
        #expect(call.role.source == .webIdentity(tokenFile: "/run/oidc/token"))
        #expect(call.role.sessionName == "job-42")
        #expect(call.signer == "", "AssumeRoleWithWebIdentity is not signed")
    }

    @Test func aProfilesWebIdentitySettingsAssumeItsRole() async throws {
        let sts = STSLog()
        #expect(try await Self.resolver().credentials(profile: "federated", assumeRole: sts.assumer).accessKeyID == "ASIAFEDERATED")
        #expect(sts.calls.first?.role.source == .webIdentity(tokenFile: "/var/run/token"))
        #expect(sts.calls.first?.role.sessionName == "ci-job")
    }

    @Test func environmentKeysComeBeforeWebIdentity() async throws {
        let sts = STSLog()
        let environment = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s",
                           "AWS_WEB_IDENTITY_TOKEN_FILE": "/run/oidc/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci"]
        #expect(try await Self.resolver(environment).credentials(profile: nil, assumeRole: sts.assumer).accessKeyID == "AKIDENV")
        #expect(sts.calls.isEmpty)
    }

    @Test(arguments: [
        ("both", "both source_profile and credential_source"),
        ("neither", "needs source_profile or credential_source"),
        ("metadata", "no way to reach the machine's credentials was given"),
        ("odd", "credential_source Lambda is not one of Environment, Ec2InstanceMetadata and EcsContainer"),
        ("missing", "source_profile 'nobody' does not exist"),
        ("loop-a", "loop: loop-a → loop-b → loop-a"),
        ("long", "duration_seconds must be"),
        ("env", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
        ("tokenonly", "a web identity token file is set (/var/run/token) but no role ARN"),
    ])
    func aRoleThatCannotBeAssumedIsNamedWithWhy(profile: String, why: String) async {
        let sts = STSLog()
        await #expect {
            _ = try await Self.resolver().credentials(profile: profile, assumeRole: sts.assumer)
        } throws: { error in
            let text = String(describing: error)
            // A loop is named by the profile whose source closes it (here loop-b); the others by their own.
            let named = profile == "loop-a" ? "loop-b" : profile
            return text.hasPrefix("profile '\(named)' cannot assume its role") && text.contains(why)
        }
        #expect(sts.calls.isEmpty)
    }
}
