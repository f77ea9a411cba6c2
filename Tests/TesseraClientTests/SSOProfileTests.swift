import Crypto
import Foundation
import Testing
import TesseraClient

/// SSO profiles as botocore reads them: the legacy and the `sso-session` forms, the token `aws sso login`
/// cached, and what is wrong with a profile that cannot sign in.
struct SSOProfileTests {
    static let configFile = """
        [profile dev]
        sso_session = corp
        sso_account_id = 123456789012
        sso_role_name = Developer
        [profile legacy]
        sso_start_url = https://legacy.awsapps.com/start
        sso_region = eu-west-1
        sso_account_id = 210987654321
        sso_role_name = ReadOnly
        [profile half]
        sso_session = corp
        sso_account_id = 123456789012
        [profile lost]
        sso_session = nowhere
        sso_account_id = 1
        sso_role_name = R
        [profile clash]
        sso_session = corp
        sso_region = us-west-2
        sso_account_id = 1
        sso_role_name = R
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = us-east-2
        """

    static func sha1(_ text: String) -> String {
        Insecure.SHA1.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func resolver(cache: [String: String]) -> AWSConfigurationResolver {
        AWSConfigurationResolver(environment: ["HOME": "/h"]) { path in
            path == "/h/.aws/config" ? configFile : cache[path]
        }
    }

    static func token(_ value: String, expires: String) -> String {
        #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "\#(value)", "expiresAt": "\#(expires)"}"#
    }

    /// The fetches a fake SSO portal answered: profile, account, role and token.
    final class PortalLog: @unchecked Sendable {
        private let lock = NSLock()
        private var logged: [String] = []
        var calls: [String] { lock.withLock { logged } }
        var fetcher: SSORoleFetcher {
            { sso, token in
                self.lock.withLock { self.logged.append("\(sso.region) \(sso.accountID) \(sso.roleName) \(token)") }
                return AWSCredentials(accessKeyID: "ASIASSO", secretAccessKey: "s", sessionToken: "t", expiration: Date() + 3600)
            }
        }
    }

    @Test func anSSOSessionProfileUsesTheSessionsCachedToken() async throws {
        let portal = PortalLog()
        let cache = ["/h/.aws/sso/cache/\(Self.sha1("corp")).json": Self.token("tok-corp", expires: "2999-01-01T00:00:00Z")]
        let provider = try Self.resolver(cache: cache).credentialProvider(profile: "dev", sso: portal.fetcher)
        #expect(try await provider.current().accessKeyID == "ASIASSO")
        #expect(portal.calls == ["us-east-2 123456789012 Developer tok-corp"])
        #expect(provider.identity == "profile dev (SSO 123456789012 Developer)")
    }

    @Test func aLegacyProfileUsesTheStartURLsCachedToken() async throws {
        let portal = PortalLog()
        let path = "/h/.aws/sso/cache/\(Self.sha1("https://legacy.awsapps.com/start")).json"
        let cache = [path: Self.token("tok-legacy", expires: "2999-01-01T00:00:00UTC")]
        #expect(try await Self.resolver(cache: cache).credentials(profile: "legacy", sso: portal.fetcher).accessKeyID == "ASIASSO")
        #expect(portal.calls == ["eu-west-1 210987654321 ReadOnly tok-legacy"])
    }

    @Test func aMissingOrExpiredTokenAsksForASignIn() async {
        let portal = PortalLog()
        let expired = ["/h/.aws/sso/cache/\(Self.sha1("corp")).json": Self.token("old", expires: "2001-01-01T00:00:00Z")]
        for (cache, why) in [([String: String](), "there is no SSO token for it"), (expired, "expired at 2001-01-01T00:00:00Z")] {
            await #expect {
                try await Self.resolver(cache: cache).credentials(profile: "dev", sso: portal.fetcher)
            } throws: { error in
                let text = String(describing: error)
                return text.contains("profile 'dev' needs a new SSO sign-in (aws sso login --profile dev)") && text.contains(why)
            }
        }
        #expect(portal.calls.isEmpty)
    }

    @Test(arguments: [
        ("half", "it lacks sso_role_name"),
        ("lost", "its sso_session 'nowhere' does not exist"),
        ("clash", "its sso_region differs from the one of sso-session 'corp'"),
    ])
    func aProfileThatCannotSignInIsNamedWithWhy(profile: String, why: String) async {
        await #expect(throws: AWSClientConfigurationError.invalidSSO(profile: profile, detail: why)) {
            try await Self.resolver(cache: [:]).credentials(profile: profile, sso: PortalLog().fetcher)
        }
    }
}
