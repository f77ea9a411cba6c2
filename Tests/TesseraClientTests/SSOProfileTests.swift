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

    /// A fake SSO portal and OIDC service: logs each role fetch (region, account, role, token) and renewal.
    final class PortalLog: SSOCredentialsSource, @unchecked Sendable {
        private let lock = NSLock()
        private var logged: [String] = []
        let renewFails: Bool
        init(renewFails: Bool = false) { self.renewFails = renewFails }
        var calls: [String] { lock.withLock { logged } }

        func roleCredentials(_ sso: SSOProfile, accessToken: String) async throws -> AWSCredentials {
            lock.withLock { logged.append("\(sso.region) \(sso.accountID) \(sso.roleName) \(accessToken)") }
            return AWSCredentials(accessKeyID: "ASIASSO", secretAccessKey: "s", sessionToken: "t", expiration: Date() + 3600)
        }

        func renew(_ token: SSOToken, for sso: SSOProfile) async throws -> SSOToken {
            lock.withLock { logged.append("renew \(token.refreshToken ?? "-")") }
            if renewFails { throw AWSServiceError(status: 400, code: "InvalidGrantException", message: "expired") }
            var renewed = token
            renewed.accessToken = "tok-renewed"
            renewed.refreshToken = "refresh-2"
            renewed.expiresAt = Date() + 8 * 3600
            return renewed
        }
    }

    /// Files written through the resolver.
    final class Written: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [String: String] = [:]
        func write(_ path: String, _ text: String) { lock.withLock { files[path] = text } }
        var all: [String: String] { lock.withLock { files } }
    }

    static func renewable(expiresIn seconds: TimeInterval) -> String {
        let expires = ISO8601DateFormatter().string(from: Date() + seconds)
        return #"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-2", "accessToken": "tok-old", "expiresAt": "\#(expires)", "#
            + #""refreshToken": "refresh-1", "clientId": "client", "clientSecret": "secret", "registrationExpiresAt": "2999-01-01T00:00:00Z"}"#
    }

    @Test func aTokenNearItsExpirationIsRenewedAndWrittenBack() async throws {
        let portal = PortalLog()
        let written = Written()
        let path = "/h/.aws/sso/cache/\(Self.sha1("corp")).json"
        let resolver = AWSConfigurationResolver(environment: ["HOME": "/h"], writeFile: { written.write($0, $1) }) { file in
            file == "/h/.aws/config" ? Self.configFile : file == path ? Self.renewable(expiresIn: 600) : nil
        }
        #expect(try await resolver.credentials(profile: "dev", sso: portal).accessKeyID == "ASIASSO")
        #expect(portal.calls == ["renew refresh-1", "us-east-2 123456789012 Developer tok-renewed"])
        let saved = try SSOToken(cacheFile: written.all[path], profile: "dev")
        #expect(saved.accessToken == "tok-renewed" && saved.refreshToken == "refresh-2" && saved.clientID == "client")
    }

    @Test func aTokenThatCannotBeRenewedIsUsedWhileItLasts() async throws {
        let portal = PortalLog(renewFails: true)
        let path = "/h/.aws/sso/cache/\(Self.sha1("corp")).json"
        let resolver = AWSConfigurationResolver(environment: ["HOME": "/h"], writeFile: { _, _ in }) { file in
            file == "/h/.aws/config" ? Self.configFile : file == path ? Self.renewable(expiresIn: 600) : nil
        }
        #expect(try await resolver.credentials(profile: "dev", sso: portal).accessKeyID == "ASIASSO")
        #expect(portal.calls == ["renew refresh-1", "us-east-2 123456789012 Developer tok-old"])
        let expired = AWSConfigurationResolver(environment: ["HOME": "/h"], writeFile: { _, _ in }) { file in
            file == "/h/.aws/config" ? Self.configFile : file == path ? Self.renewable(expiresIn: -60) : nil
        }
        await #expect(throws: AWSClientConfigurationError.self) { try await expired.credentials(profile: "dev", sso: portal) }
    }

    @Test func anSSOSessionProfileUsesTheSessionsCachedToken() async throws {
        let portal = PortalLog()
        let cache = ["/h/.aws/sso/cache/\(Self.sha1("corp")).json": Self.token("tok-corp", expires: "2999-01-01T00:00:00Z")]
        let provider = try Self.resolver(cache: cache).credentialProvider(profile: "dev", sso: portal)
        #expect(try await provider.current().accessKeyID == "ASIASSO")
        #expect(portal.calls == ["us-east-2 123456789012 Developer tok-corp"])
        #expect(provider.identity == "profile dev (SSO 123456789012 Developer)")
    }

    @Test func aLegacyProfileUsesTheStartURLsCachedToken() async throws {
        let portal = PortalLog()
        let path = "/h/.aws/sso/cache/\(Self.sha1("https://legacy.awsapps.com/start")).json"
        let cache = [path: Self.token("tok-legacy", expires: "2999-01-01T00:00:00UTC")]
        #expect(try await Self.resolver(cache: cache).credentials(profile: "legacy", sso: portal).accessKeyID == "ASIASSO")
        #expect(portal.calls == ["eu-west-1 210987654321 ReadOnly tok-legacy"])
    }

    @Test func aMissingOrExpiredTokenAsksForASignIn() async {
        let portal = PortalLog()
        let expired = ["/h/.aws/sso/cache/\(Self.sha1("corp")).json": Self.token("old", expires: "2001-01-01T00:00:00Z")]
        for (cache, why) in [([String: String](), "there is no SSO token for it"), (expired, "expired at 2001-01-01T00:00:00Z")] {
            await #expect {
                try await Self.resolver(cache: cache).credentials(profile: "dev", sso: portal)
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
            try await Self.resolver(cache: [:]).credentials(profile: profile, sso: PortalLog())
        }
    }
}
