import AsyncHTTPClient
import Foundation
import NIOCore

/// What an SSO profile's credentials need from the network: the role's credentials for an access token, and
/// a renewed access token. ``SSOClient`` asks AWS; tests give their own.
public protocol SSOCredentialsSource: Sendable {
    /// The role's credentials in the profile's account.
    func roleCredentials(_ sso: SSOProfile, accessToken: String) async throws -> AWSCredentials
    /// A new access token for `token`'s session, from its refresh token.
    func renew(_ token: SSOToken, for sso: SSOProfile) async throws -> SSOToken
}

/// The SSO portal's GetRoleCredentials (`GET /federation/credentials`) and SSO OIDC's CreateToken with a
/// refresh token (`POST /token`), both unsigned — the tokens are the proof — in the profile's `sso_region`.
public struct SSOClient: SSOCredentialsSource {
    let http: HTTPClient
    /// Where a service is in a region (the caller's endpoint resolution: `AWS_ENDPOINT_URL_SSO`, …).
    let endpoint: @Sendable (AWSService, String) throws -> URL
    let retry: RetryPolicy
    let requestTimeout: Duration

    public init(http: HTTPClient, retry: RetryPolicy, requestTimeout: Duration,
                endpoint: @escaping @Sendable (AWSService, String) throws -> URL) {
        self.http = http
        self.endpoint = endpoint
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    private func client(_ service: AWSService, region: String) throws -> AWSServiceClient {
        AWSServiceClient(service: service, endpoint: try endpoint(service, region), region: region, credentialProvider: .anonymous,
                         http: http, retry: retry, requestTimeout: requestTimeout)
    }

    public func roleCredentials(_ sso: SSOProfile, accessToken: String) async throws -> AWSCredentials {
        let portal = try client(.sso, region: sso.region)
        let request = AWSRequest(method: "GET", path: "/federation/credentials",
                                 query: [("account_id", sso.accountID), ("role_name", sso.roleName)],
                                 headers: [("x-amz-sso_bearer_token", accessToken)])
        let body: [UInt8]
        do {
            body = try await portal.send(request).body
        } catch let error as AWSServiceError where error.status == 401 || error.status == 403 {
            // The token was refused (UnauthorizedException); anything else is the portal's error as it is.
            throw AWSClientConfigurationError.ssoLoginNeeded(profile: sso.profile, detail: "the SSO portal refused its token: \(error)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let role = object["roleCredentials"] as? [String: Any],
              let key = role["accessKeyId"] as? String, let secret = role["secretAccessKey"] as? String,
              let expiration = (role["expiration"] as? NSNumber)?.doubleValue else {
            throw AWSTransportError(.malformedResponse, endpoint: portal.endpoint.absoluteString,
                                    detail: "GetRoleCredentials answered without roleCredentials")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: role["sessionToken"] as? String,
                              expiration: Date(timeIntervalSince1970: expiration / 1000))
    }

    public func renew(_ token: SSOToken, for sso: SSOProfile) async throws -> SSOToken {
        let oidc = try client(.ssoOIDC, region: sso.region)
        let body: [String: String] = ["grantType": "refresh_token", "clientId": token.clientID ?? "",
                                      "clientSecret": token.clientSecret ?? "", "refreshToken": token.refreshToken ?? ""]
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let answer = try await oidc.send(.json(method: "POST", path: "/token", body: Array(json)))
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any],
              let accessToken = object["accessToken"] as? String, !accessToken.isEmpty,
              let expiresIn = (object["expiresIn"] as? NSNumber)?.doubleValue else {
            throw AWSTransportError(.malformedResponse, endpoint: oidc.endpoint.absoluteString,
                                    detail: "CreateToken answered without accessToken and expiresIn")
        }
        var renewed = token
        renewed.startURL = sso.startURL
        renewed.region = sso.region
        renewed.accessToken = accessToken
        renewed.expiresAt = Date() + expiresIn
        renewed.refreshToken = object["refreshToken"] as? String ?? token.refreshToken
        return renewed
    }
}
