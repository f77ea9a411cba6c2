import Foundation

/// The access token `aws sso login` caches for an SSO session (`~/.aws/sso/cache/SHA1.json`), with what it
/// takes to renew it — the session's `refreshToken` and its client registration (`clientId`, `clientSecret`,
/// `registrationExpiresAt`) — as botocore reads and writes that file.
public struct SSOToken: Sendable, Equatable {
    public var startURL: String
    public var region: String
    public var accessToken: String
    public var expiresAt: Date
    public var refreshToken: String?
    public var clientID: String?
    public var clientSecret: String?
    /// As written (botocore keeps the text it was given).
    public var registrationExpiresAt: String?

    public init(startURL: String, region: String, accessToken: String, expiresAt: Date, refreshToken: String? = nil,
                clientID: String? = nil, clientSecret: String? = nil, registrationExpiresAt: String? = nil) {
        self.startURL = startURL
        self.region = region
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.registrationExpiresAt = registrationExpiresAt
    }

    /// The token in a cache file's `text`.
    /// - Throws: ``AWSClientConfigurationError/ssoLoginNeeded(profile:detail:)`` when there is none to read.
    public init(cacheFile text: String?, profile: String) throws {
        func login(_ detail: String) -> AWSClientConfigurationError { .ssoLoginNeeded(profile: profile, detail: detail) }
        guard let text else { throw login("there is no SSO token for it") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let token = object["accessToken"] as? String, !token.isEmpty,
              let expiresText = object["expiresAt"] as? String else {
            throw login("its SSO token file cannot be read")
        }
        guard let expires = Self.parseTime(expiresText) else { throw login("its SSO token's expiresAt cannot be read") }
        self.init(startURL: object["startUrl"] as? String ?? "", region: object["region"] as? String ?? "", accessToken: token,
                  expiresAt: expires, refreshToken: object["refreshToken"] as? String, clientID: object["clientId"] as? String,
                  clientSecret: object["clientSecret"] as? String,
                  registrationExpiresAt: object["registrationExpiresAt"] as? String)
    }

    /// Whether the token can be renewed at `now`: a refresh token and a client registration that has not expired.
    public func isRenewable(now: Date = Date()) -> Bool {
        guard refreshToken != nil, clientID != nil, clientSecret != nil,
              let registration = registrationExpiresAt.flatMap(Self.parseTime) else { return false }
        return registration > now
    }

    /// The cache file's text, as botocore writes it (times as `2026-12-01T15:00:00Z`).
    public func cacheFileText() -> String {
        var object: [String: String] = ["startUrl": startURL, "region": region, "accessToken": accessToken,
                                        "expiresAt": Self.format(expiresAt)]
        object["refreshToken"] = refreshToken
        object["clientId"] = clientID
        object["clientSecret"] = clientSecret
        object["registrationExpiresAt"] = registrationExpiresAt
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// ISO 8601 with or without fractional seconds; older botocore wrote `…UTC` for `Z`.
    static func parseTime(_ text: String) -> Date? {
        CredentialProcess.parseTimestamp(text.hasSuffix("UTC") ? String(text.dropLast(3)) + "Z" : text)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
