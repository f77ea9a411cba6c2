import Foundation

/// The credential chain, in botocore's order: an explicit `--profile`'s credentials; the environment's keys;
/// the profile's — a role assumed with a source profile or the machine's credentials (``AssumedRole``), web
/// identity, SSO (``SSOProfile``), its keys in the credentials file, its `credential_process`, its keys in the
/// config file; and last the machine's — a container's endpoint, else EC2 instance metadata. What needs the
/// network comes through the caller's fetchers, so the resolution itself stays testable with fakes.
extension AWSConfigurationResolver {
    /// The chain's credentials as they are now (fetched if they must be).
    public func credentials(profile explicitProfile: String?, assumeRole: RoleAssumer? = nil,
                            sso: (any SSOCredentialsSource)? = nil, machine: (any MetadataCredentialsSource)? = nil) async throws
        -> AWSCredentials {
        try await credentialProvider(profile: explicitProfile, assumeRole: assumeRole, sso: sso, machine: machine).current()
    }

    /// The chain's credentials as a provider: fixed keys, or credentials fetched again before they expire (a
    /// `credential_process`, a role assumed with `assumeRole`, the machine's from `machine`). A
    /// `credential_process` runs once here, so that a broken one is reported before any work starts; the
    /// others are fetched when the first request is signed. Without `machine`, neither a container's nor the
    /// instance's credentials are looked for.
    public func credentialProvider(profile explicitProfile: String?, assumeRole: RoleAssumer? = nil,
                                   sso: (any SSOCredentialsSource)? = nil, machine: (any MetadataCredentialsSource)? = nil) throws
        -> AWSCredentialProvider {
        let profile = profileName(explicit: explicitProfile)
        if explicitProfile == nil, let keys = environmentKeys { return AWSCredentialProvider(fixed: keys) }
        let fetchers = Fetchers(assumeRole: assumeRole, sso: sso, machine: machine)
        if let provider = try profileProvider(profile, fetchers, visited: []) { return provider }
        if explicitProfile != nil || nonEmpty("AWS_PROFILE") != nil, !profileExists(profile) {
            throw AWSClientConfigurationError.profileNotFound(profile)
        }
        if let machine, let provider = try machineProvider(profile, machine: machine) { return provider }
        throw AWSClientConfigurationError.noCredentials(profile: profile)
    }

    /// The last of botocore's chain: a container's credentials endpoint, else EC2 instance metadata.
    private func machineProvider(_ profile: String, machine: any MetadataCredentialsSource) throws -> AWSCredentialProvider? {
        try containerProvider(machine) ?? instanceMetadataProvider(profile, machine: machine)
    }

    /// The container's credentials (``ContainerCredentialsEndpoint``), nil when no endpoint is set.
    private func containerProvider(_ machine: any MetadataCredentialsSource) throws -> AWSCredentialProvider? {
        guard let endpoint = try ContainerCredentialsEndpoint(environment: environment) else { return nil }
        return AWSCredentialProvider(first: nil, identity: "container credentials (\(endpoint.url.absoluteString))") {
            try await machine.containerCredentials(endpoint)
        }
    }

    /// The instance role's credentials (``InstanceMetadataSettings``), nil when instance metadata is turned off.
    /// Whether there is any is found only by asking: without it the first request fails with
    /// ``AWSClientConfigurationError/noCredentials(profile:)``.
    private func instanceMetadataProvider(_ profile: String, machine: any MetadataCredentialsSource) throws
        -> AWSCredentialProvider? {
        guard let settings = try InstanceMetadataSettings(environment: environment, settings: mergedProfile(profile)) else {
            return nil
        }
        return AWSCredentialProvider(first: nil, identity: "EC2 instance metadata") {
            guard let credentials = await machine.instanceMetadataCredentials(settings) else {
                throw AWSClientConfigurationError.noCredentials(profile: profile)
            }
            return credentials
        }
    }

    /// The caller's way to STS, which a profile's role needs.
    private func roleAssumer(_ fetchers: Fetchers, profile: String) throws -> RoleAssumer {
        guard let assumeRole = fetchers.assumeRole else {
            throw AWSClientConfigurationError.invalidRole(profile: profile, detail: "no way to reach STS was given")
        }
        return assumeRole
    }

    /// The network calls some credentials need, as the caller gave them.
    private struct Fetchers {
        let assumeRole: RoleAssumer?
        let sso: (any SSOCredentialsSource)?
        let machine: (any MetadataCredentialsSource)?
    }

    /// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), when both are set.
    private var environmentKeys: AWSCredentials? {
        guard let key = nonEmpty("AWS_ACCESS_KEY_ID"), let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") else { return nil }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: nonEmpty("AWS_SESSION_TOKEN"))
    }

    /// A profile's credentials: the role it assumes with a source, else ``profileChain(_:_:environmentToo:)``;
    /// nil if it names none. `visited` are the profiles whose role led here, to refuse a loop; only the profile
    /// a command names reads the web identity variables (a source profile does not, as in botocore).
    private func profileProvider(_ profile: String, _ fetchers: Fetchers, visited: [String]) throws
        -> AWSCredentialProvider? {
        guard let role = try AssumedRole(profile: profile, settings: mergedProfile(profile)) else {
            return try profileChain(profile, fetchers, environmentToo: visited.isEmpty)
        }
        let assumeRole = try roleAssumer(fetchers, profile: profile)
        let source = try roleSource(role, fetchers, visited: visited + [profile])
        return AWSCredentialProvider(first: nil, identity: "profile \(profile) (role \(role.roleARN))") {
            try await assumeRole(role, source)
        }
    }

    /// A profile's credentials other than a role with a source, in botocore's order: web identity (with its
    /// variables only when `environmentToo`: not for a source profile), SSO, keys or `credential_process`.
    private func profileChain(_ profile: String, _ fetchers: Fetchers, environmentToo: Bool) throws -> AWSCredentialProvider? {
        let settings = mergedProfile(profile)
        if let role = try AssumedRole.webIdentity(profile: profile, environment: environmentToo ? environment : [:],
                                                  settings: settings) {
            let assumeRole = try roleAssumer(fetchers, profile: profile)
            return AWSCredentialProvider(first: nil, identity: "role \(role.roleARN) (web identity)") {
                try await assumeRole(role, .anonymous)
            }
        }
        if let sso = try SSOProfile(profile: profile, settings: settings, session: { configFile?.sections["sso-session \($0)"] }) {
            guard let source = fetchers.sso else {
                throw AWSClientConfigurationError.invalidSSO(profile: profile, detail: "no way to reach the SSO portal was given")
            }
            let (path, read, write) = (sso.tokenCachePath(home: home), readFile, writeFile)
            return AWSCredentialProvider(first: nil, identity: "profile \(profile) (SSO \(sso.accountID) \(sso.roleName))") {
                try await source.roleCredentials(sso, accessToken: try await Self.ssoAccessToken(sso, path: path, read: read, write: write,
                                                                                                source: source))
            }
        }
        return try keysOrProcess(profile)
    }

    /// The access token `aws sso login` cached for `sso`, renewed first — as botocore does for an `sso-session`
    /// profile — when it expires within 15 minutes and the session can be renewed (the renewed token is written
    /// back for the next command, and for the AWS CLI).
    /// - Throws: ``AWSClientConfigurationError/ssoLoginNeeded(profile:detail:)`` for a missing or expired token.
    static func ssoAccessToken(_ sso: SSOProfile, path: String, read: (String) -> String?, write: (String, String) -> Void,
                               source: any SSOCredentialsSource, now: Date = Date()) async throws -> String {
        var token = try SSOToken(cacheFile: read(path), profile: sso.profile)
        if sso.sessionName != nil, token.expiresAt.timeIntervalSince(now) < 15 * 60, token.isRenewable(now: now),
           let renewed = try? await source.renew(token, for: sso) {
            token = renewed
            write(path, renewed.cacheFileText())
        }
        guard token.expiresAt > now else {
            throw AWSClientConfigurationError.ssoLoginNeeded(profile: sso.profile,
                                                              detail: "its SSO token expired at \(SSOToken.format(token.expiresAt))")
        }
        return token.accessToken
    }

    /// The credentials a role is assumed with: the environment's keys (`credential_source = Environment`), or
    /// its `source_profile`'s — as botocore decides: that profile's own (web identity, SSO, keys or
    /// `credential_process`) when it has keys or no role of its own (so a role's profile can name itself for
    /// its keys), else the role it assumes — or the machine's (`Ec2InstanceMetadata`, `EcsContainer`).
    private func roleSource(_ role: AssumedRole, _ fetchers: Fetchers, visited: [String]) throws
        -> AWSCredentialProvider {
        func invalid(_ detail: String) -> AWSClientConfigurationError { .invalidRole(profile: role.profile, detail: detail) }
        switch role.source {
        case .webIdentity:
            return .anonymous
        case .ec2InstanceMetadata, .ecsContainer:
            guard let machine = fetchers.machine else { throw invalid("no way to reach the machine's credentials was given") }
            let provider = role.source == .ecsContainer
                ? try containerProvider(machine) : try instanceMetadataProvider(role.profile, machine: machine)
            guard let provider else {
                throw invalid(role.source == .ecsContainer
                    ? "credential_source is EcsContainer, but AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
                    : "credential_source is Ec2InstanceMetadata, but AWS_EC2_METADATA_DISABLED is true")
            }
            return provider
        case .environment:
            guard let keys = environmentKeys else {
                throw invalid("credential_source is Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
            }
            return AWSCredentialProvider(fixed: keys)
        case .profile(let name):
            guard profileExists(name) else { throw invalid("its source_profile '\(name)' does not exist") }
            let settings = mergedProfile(name)
            if settings["aws_access_key_id"] != nil || settings["role_arn"] == nil {
                guard let own = try profileChain(name, fetchers, environmentToo: false) else {
                    throw invalid("its source_profile '\(name)' has no credentials")
                }
                return own
            }
            guard !visited.contains(name) else {
                throw invalid("its source profiles make a loop: \((visited + [name]).joined(separator: " → "))")
            }
            guard let provider = try profileProvider(name, fetchers, visited: visited) else {
                throw invalid("its source_profile '\(name)' has no credentials")
            }
            return provider
        }
    }

    /// A profile's keys in the credentials file, its `credential_process` (either file), or its keys in the
    /// config file — botocore's order; nil when it has none of them.
    private func keysOrProcess(_ profile: String) throws -> AWSCredentialProvider? {
        let fromCredentialsFile = credentialsFile?.credentialsProfile(profile)
        let fromConfigFile = configFile?.configProfile(profile)
        if let keys = try staticKeys(fromCredentialsFile, profile: profile, file: credentialsPath) {
            return AWSCredentialProvider(fixed: keys)
        }
        if let command = fromCredentialsFile?["credential_process"] ?? fromConfigFile?["credential_process"], !command.isEmpty {
            let runner = runProcess
            let first = try CredentialProcess.credentials(running: command, profile: profile, runner: runner)
            return AWSCredentialProvider(first: first, identity: "profile \(profile) (credential_process)") {
                try CredentialProcess.credentials(running: command, profile: profile, runner: runner)
            }
        }
        if let keys = try staticKeys(fromConfigFile, profile: profile, file: configPath) {
            return AWSCredentialProvider(fixed: keys)
        }
        return nil
    }

    /// A profile's settings from both files, the credentials file's winning, as botocore merges them.
    private func mergedProfile(_ profile: String) -> [String: String] {
        (configFile?.configProfile(profile) ?? [:]).merging(credentialsFile?.credentialsProfile(profile) ?? [:]) { $1 }
    }

    /// A profile's `aws_access_key_id` and `aws_secret_access_key` (and `aws_session_token`); nil when it names
    /// neither, an error when it names one without the other.
    private func staticKeys(_ settings: [String: String]?, profile: String, file: String) throws -> AWSCredentials? {
        guard let settings, settings["aws_access_key_id"] != nil || settings["aws_secret_access_key"] != nil else { return nil }
        guard let key = settings["aws_access_key_id"], let secret = settings["aws_secret_access_key"],
              !key.isEmpty, !secret.isEmpty else {
            throw AWSClientConfigurationError.incompleteCredentials(profile: profile, file: file)
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
    }
}
