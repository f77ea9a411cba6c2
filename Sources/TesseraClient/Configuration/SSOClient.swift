import Foundation

/// The one call of the SSO portal the client needs: GetRoleCredentials (REST-JSON, `GET
/// /federation/credentials`), unsigned — the SSO access token in `x-amz-sso_bearer_token` is the proof.
public struct SSOClient: Sendable {
    /// A client of the portal (`AWSService.sso`) with ``AWSCredentialProvider/anonymous``.
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    /// The role's credentials in the account, with their expiration.
    public func roleCredentials(_ sso: SSOProfile, accessToken: String) async throws -> AWSCredentials {
        let request = AWSRequest(method: "GET", path: "/federation/credentials",
                                 query: [("account_id", sso.accountID), ("role_name", sso.roleName)],
                                 headers: [("x-amz-sso_bearer_token", accessToken)])
        let body: [UInt8]
        do {
            body = try await service.send(request).body
        } catch let error as AWSServiceError {
            throw AWSClientConfigurationError.ssoLoginNeeded(profile: sso.profile, detail: "the SSO portal refused its token: \(error)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let role = object["roleCredentials"] as? [String: Any],
              let key = role["accessKeyId"] as? String, let secret = role["secretAccessKey"] as? String,
              let expiration = (role["expiration"] as? NSNumber)?.doubleValue else {
            throw AWSTransportError(.malformedResponse, endpoint: service.endpoint.absoluteString,
                                    detail: "GetRoleCredentials answered without roleCredentials")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: role["sessionToken"] as? String,
                              expiration: Date(timeIntervalSince1970: expiration / 1000))
    }
}

/// Fetches an SSO profile's role credentials with its access token (``SSOClient``); tests pass their own.
public typealias SSORoleFetcher = @Sendable (_ sso: SSOProfile, _ accessToken: String) async throws -> AWSCredentials
