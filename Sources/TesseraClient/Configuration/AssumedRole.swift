import Foundation

/// Assumes `role` with the credentials `source` gives and returns the role's temporary credentials (STS
/// AssumeRole, ``STSClient``); tests pass their own.
public typealias RoleAssumer = @Sendable (_ role: AssumedRole, _ source: AWSCredentialProvider) async throws -> AWSCredentials

/// The role a profile assumes, from its settings as botocore reads them: `role_arn` with exactly one of
/// `source_profile` (a profile whose credentials assume it) or `credential_source` (`Environment`: the
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` variables; `Ec2InstanceMetadata`; `EcsContainer`), and
/// optionally `role_session_name` (else `botocore-session-` and the Unix time, as botocore names it),
/// `external_id`, `duration_seconds` (else STS's default, an hour) and `mfa_serial` (the caller asks for the
/// device's code at each AssumeRole).
public struct AssumedRole: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case profile(String)
        case environment
        /// `credential_source = Ec2InstanceMetadata`: the instance role's credentials.
        case ec2InstanceMetadata
        /// `credential_source = EcsContainer`: the container's credentials.
        case ecsContainer
        /// AssumeRoleWithWebIdentity, unsigned, with the token in this file (read again for every call: such
        /// tokens are rotated by whoever writes them).
        case webIdentity(tokenFile: String)
    }

    public let profile: String
    public let roleARN: String
    public let source: Source
    public let sessionName: String
    public let externalID: String?
    public let durationSeconds: Int?
    /// The MFA device whose current code goes with every AssumeRole (`mfa_serial`); the caller asks for it.
    public let mfaSerial: String?

    public init(profile: String, roleARN: String, source: Source, sessionName: String, externalID: String? = nil,
                durationSeconds: Int? = nil, mfaSerial: String? = nil) {
        self.profile = profile
        self.roleARN = roleARN
        self.source = source
        self.sessionName = sessionName
        self.externalID = externalID
        self.durationSeconds = durationSeconds
        self.mfaSerial = mfaSerial
    }

    /// The web identity role of `environment` (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
    /// `AWS_ROLE_SESSION_NAME`) or else of the profile's `settings` (`web_identity_token_file`, `role_arn`,
    /// `role_session_name`), as botocore's AssumeRoleWithWebIdentity provider reads them; nil without a token
    /// file.
    public static func webIdentity(profile: String, environment: [String: String], settings: [String: String],
                                   now: Date = Date()) throws -> AssumedRole? {
        func setting(_ variable: String, _ key: String) -> String? {
            [environment[variable], settings[key]].lazy.compactMap { $0 }.first { !$0.isEmpty }
        }
        guard let tokenFile = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file") else { return nil }
        guard let arn = setting("AWS_ROLE_ARN", "role_arn") else {
            throw AWSClientConfigurationError.invalidRole(
                profile: profile, detail: "a web identity token file is set (\(tokenFile)) but no role ARN (AWS_ROLE_ARN or role_arn)")
        }
        return AssumedRole(profile: profile, roleARN: arn, source: .webIdentity(tokenFile: tokenFile),
                           sessionName: setting("AWS_ROLE_SESSION_NAME", "role_session_name")
                               ?? "botocore-session-\(Int(now.timeIntervalSince1970))")
    }

    /// The role `settings` name, nil when they name none (no `role_arn`, or a `web_identity_token_file`,
    /// which is another way to a role, not read here).
    /// - Throws: ``AWSClientConfigurationError/invalidRole(profile:detail:)`` for settings that cannot work.
    public init?(profile: String, settings: [String: String], now: Date = Date()) throws {
        guard let arn = settings["role_arn"], !arn.isEmpty, settings["web_identity_token_file"] == nil else { return nil }
        func invalid(_ detail: String) -> AWSClientConfigurationError { .invalidRole(profile: profile, detail: detail) }
        let sourceProfile = settings["source_profile"].flatMap { $0.isEmpty ? nil : $0 }
        let credentialSource = settings["credential_source"].flatMap { $0.isEmpty ? nil : $0 }
        switch (sourceProfile, credentialSource) {
        case (let name?, nil):
            source = .profile(name)
        case (nil, "Environment"?):
            source = .environment
        case (nil, "Ec2InstanceMetadata"?):
            source = .ec2InstanceMetadata
        case (nil, "EcsContainer"?):
            source = .ecsContainer
        case (nil, let other?):
            throw invalid("credential_source \(other) is not one of Environment, Ec2InstanceMetadata and EcsContainer")
        case (_?, _?):
            throw invalid("it sets both source_profile and credential_source; keep one")
        case (nil, nil):
            throw invalid("role_arn needs source_profile or credential_source")
        }
        var duration: Int?
        if let text = settings["duration_seconds"] {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw invalid("duration_seconds must be a whole number of seconds from 900 to 43200")
            }
            duration = seconds
        }
        self.profile = profile
        roleARN = arn
        sessionName = settings["role_session_name"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "botocore-session-\(Int(now.timeIntervalSince1970))"
        externalID = settings["external_id"]
        durationSeconds = duration
        mfaSerial = settings["mfa_serial"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
