import Crypto
import Foundation

/// A profile that signs in through IAM Identity Center (SSO), as botocore reads it: `sso_account_id` and
/// `sso_role_name`, with `sso_start_url` and `sso_region` either in the profile (the legacy form) or in the
/// `[sso-session NAME]` section its `sso_session` names. The access token is the one `aws sso login` left in
/// `~/.aws/sso/cache/`, in a file named by the SHA-1 of the session's name (or of the start URL, legacy).
public struct SSOProfile: Sendable, Equatable {
    public let profile: String
    public let startURL: String
    public let region: String
    public let accountID: String
    public let roleName: String
    /// The `sso-session` section's name, nil for the legacy form.
    public let sessionName: String?

    public init(profile: String, startURL: String, region: String, accountID: String, roleName: String, sessionName: String?) {
        self.profile = profile
        self.startURL = startURL
        self.region = region
        self.accountID = accountID
        self.roleName = roleName
        self.sessionName = sessionName
    }

    /// The profile's SSO settings, nil when it has none.
    /// - Parameter session: the settings of the `[sso-session NAME]` section, looked up by name.
    /// - Throws: ``AWSClientConfigurationError/invalidSSO(profile:detail:)`` naming what is missing or
    ///   contradictory.
    public init?(profile: String, settings: [String: String], session: (String) -> [String: String]?) throws {
        let sessionName = settings["sso_session"].flatMap { $0.isEmpty ? nil : $0 }
        guard sessionName != nil || settings["sso_start_url"] != nil || settings["sso_account_id"] != nil else { return nil }
        func invalid(_ detail: String) -> AWSClientConfigurationError { .invalidSSO(profile: profile, detail: detail) }
        var startURL = settings["sso_start_url"]
        var region = settings["sso_region"]
        if let sessionName {
            guard let section = session(sessionName) else { throw invalid("its sso_session '\(sessionName)' does not exist") }
            for (key, own) in [("sso_start_url", startURL), ("sso_region", region)] {
                if let own, let shared = section[key], own != shared {
                    throw invalid("its \(key) differs from the one of sso-session '\(sessionName)'")
                }
            }
            startURL = section["sso_start_url"] ?? startURL
            region = section["sso_region"] ?? region
        }
        let missing = [("sso_start_url", startURL), ("sso_region", region), ("sso_account_id", settings["sso_account_id"]),
                       ("sso_role_name", settings["sso_role_name"])].filter { $0.1?.isEmpty ?? true }.map(\.0)
        guard missing.isEmpty, let startURL, let region, let account = settings["sso_account_id"],
              let role = settings["sso_role_name"] else {
            throw invalid("it lacks \(missing.joined(separator: ", "))")
        }
        self.init(profile: profile, startURL: startURL, region: region, accountID: account, roleName: role,
                  sessionName: sessionName)
    }

    /// The token cache file `aws sso login` writes for this profile, under `home`.
    public func tokenCachePath(home: String) -> String {
        let key = sessionName ?? startURL
        let digest = Insecure.SHA1.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(home)/.aws/sso/cache/\(digest).json"
    }
}
