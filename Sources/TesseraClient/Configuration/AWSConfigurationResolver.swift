import Foundation

/// Resolves credentials, region and endpoints the way the AWS CLI does, from the environment and the shared
/// config and credentials files. Everything it reads comes through `environment` and `readFile`, so tests
/// give it both.
///
/// Precedence (highest first):
/// - profile: `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`;
/// - credentials: an explicit `--profile`'s keys; `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`
///   (+ `AWS_SESSION_TOKEN`); the profile's keys in the credentials file (`AWS_SHARED_CREDENTIALS_FILE`,
///   `~/.aws/credentials`); the profile's `credential_process` (``CredentialProcess``, from either file); its
///   keys in the config file (`AWS_CONFIG_FILE`, `~/.aws/config`) — botocore's order;
/// - region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`;
/// - CA bundle: `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`;
/// - endpoint: `--endpoint-url`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's
///   `endpoint_url`, AWS's own endpoint. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the variables and
///   the profile.
///
/// Not read: SSO, role assumption, web identity and instance metadata credentials.
public struct AWSConfigurationResolver: Sendable {
    let environment: [String: String]
    let readFile: @Sendable (String) -> String?
    let runProcess: CredentialProcess.Runner

    public init(environment: [String: String], runProcess: @escaping CredentialProcess.Runner = CredentialProcess.live,
                readFile: @escaping @Sendable (String) -> String?) {
        self.environment = environment
        self.readFile = readFile
        self.runProcess = runProcess
    }

    /// The process's own environment and files.
    public static func live() -> AWSConfigurationResolver {
        AWSConfigurationResolver(environment: ProcessInfo.processInfo.environment) { path in
            try? String(contentsOfFile: path, encoding: .utf8)
        }
    }

    public func profileName(explicit: String?) -> String {
        explicit ?? nonEmpty("AWS_PROFILE") ?? nonEmpty("AWS_DEFAULT_PROFILE") ?? "default"
    }

    /// The credentials of the chain: the environment's keys, then the profile's (credentials file, its
    /// `credential_process`, config file).
    public func credentials(profile explicitProfile: String?) throws -> AWSCredentials {
        try resolveCredentials(profile: explicitProfile).credentials
    }

    /// The same credentials, as a provider that fetches a `credential_process`'s again before they expire.
    public func credentialProvider(profile explicitProfile: String?) throws -> AWSCredentialProvider {
        let resolved = try resolveCredentials(profile: explicitProfile)
        guard let command = resolved.process else { return AWSCredentialProvider(fixed: resolved.credentials) }
        let (profile, runner) = (resolved.profile, runProcess)
        return AWSCredentialProvider(first: resolved.credentials, identity: "profile \(profile) (credential_process)") {
            try CredentialProcess.credentials(running: command, profile: profile, runner: runner)
        }
    }

    /// The credentials, the profile they came from, and the command that gave them if a process did.
    private func resolveCredentials(profile explicitProfile: String?) throws
        -> (credentials: AWSCredentials, profile: String, process: String?) {
        let profile = profileName(explicit: explicitProfile)
        if explicitProfile == nil, let key = nonEmpty("AWS_ACCESS_KEY_ID"), let secret = nonEmpty("AWS_SECRET_ACCESS_KEY") {
            return (AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: nonEmpty("AWS_SESSION_TOKEN")),
                    profile, nil)
        }
        let fromCredentialsFile = credentialsFile?.credentialsProfile(profile)
        let fromConfigFile = configFile?.configProfile(profile)
        if let keys = try staticKeys(fromCredentialsFile, profile: profile, file: credentialsPath) { return (keys, profile, nil) }
        if let command = fromCredentialsFile?["credential_process"] ?? fromConfigFile?["credential_process"], !command.isEmpty {
            return (try CredentialProcess.credentials(running: command, profile: profile, runner: runProcess), profile, command)
        }
        if let keys = try staticKeys(fromConfigFile, profile: profile, file: configPath) { return (keys, profile, nil) }
        if explicitProfile != nil || nonEmpty("AWS_PROFILE") != nil, !profileExists(profile) {
            throw AWSClientConfigurationError.profileNotFound(profile)
        }
        throw AWSClientConfigurationError.noCredentials(profile: profile)
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

    public func region(explicit: String?, profile explicitProfile: String?) throws -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let region = nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") { return region }
        let profile = profileName(explicit: explicitProfile)
        if let region = configFile?.configProfile(profile)?["region"], !region.isEmpty { return region }
        throw AWSClientConfigurationError.noRegion
    }

    public func endpoint(for service: AWSService, explicit: String?, profile explicitProfile: String?,
                         region: String) throws -> URL {
        let ignoreConfigured = nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() == "true"
        let profile = profileName(explicit: explicitProfile)
        let configured = ignoreConfigured ? nil
            : nonEmpty("AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)") ?? nonEmpty("AWS_ENDPOINT_URL")
                ?? configFile?.configProfile(profile)?["endpoint_url"]
        let text = explicit ?? configured ?? service.defaultEndpoint(region: region)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw AWSClientConfigurationError.invalidEndpoint(text)
        }
        return url
    }

    /// The CA bundle to trust for HTTPS instead of the system's: `--ca-bundle`, `AWS_CA_BUNDLE`, the
    /// profile's `ca_bundle`.
    public func caBundle(explicit: String?, profile explicitProfile: String?) -> String? {
        explicit ?? nonEmpty("AWS_CA_BUNDLE") ?? configFile?.configProfile(profileName(explicit: explicitProfile))?["ca_bundle"]
    }

    private var home: String { environment["HOME"] ?? NSHomeDirectory() }
    private var credentialsPath: String { nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials" }
    private var configPath: String { nonEmpty("AWS_CONFIG_FILE") ?? "\(home)/.aws/config" }
    private var credentialsFile: AWSSharedConfigFile? { readFile(credentialsPath).map(AWSSharedConfigFile.init(parsing:)) }
    private var configFile: AWSSharedConfigFile? { readFile(configPath).map(AWSSharedConfigFile.init(parsing:)) }

    private func profileExists(_ profile: String) -> Bool {
        credentialsFile?.credentialsProfile(profile) != nil || configFile?.configProfile(profile) != nil
    }

    private func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
