import Foundation

/// Resolves credentials, region and endpoints the way the AWS CLI does, from the environment and the shared
/// config and credentials files. Everything it reads comes through `environment` and `readFile`, so tests
/// give it both.
///
/// Precedence (highest first):
/// - profile: `--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`;
/// - credentials: the chain in AWSConfigurationResolver+Credentials.swift (`credentialProvider(profile:…)`);
/// - region: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`;
/// - CA bundle: `--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`;
/// - endpoint: `--endpoint-url`, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the service's
///   `endpoint_url` in the `[services NAME]` section the profile's `services` names, the profile's
///   `endpoint_url`, AWS's own endpoint. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips all but the first
///   and the last.
public struct AWSConfigurationResolver: Sendable {
    let environment: [String: String]
    let readFile: @Sendable (String) -> String?
    let runProcess: CredentialProcess.Runner
    /// Writes a file the AWS tools share (a renewed SSO token); failures are ignored, as the file is a cache.
    let writeFile: @Sendable (String, String) -> Void

    public init(environment: [String: String], runProcess: @escaping CredentialProcess.Runner = CredentialProcess.live,
                writeFile: @escaping @Sendable (String, String) -> Void = AWSConfigurationResolver.writeCacheFile,
                readFile: @escaping @Sendable (String) -> String?) {
        self.environment = environment
        self.readFile = readFile
        self.runProcess = runProcess
        self.writeFile = writeFile
    }

    /// Replaces the file at `path` with `text` at once (a temporary file renamed over it), readable by its owner only.
    public static let writeCacheFile: @Sendable (String, String) -> Void = { path, text in
        let url = URL(fileURLWithPath: path)
        guard (try? Data(text.utf8).write(to: url, options: .atomic)) != nil else { return }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
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
        var configured: String?
        if !ignoreConfigured {
            configured = nonEmpty("AWS_ENDPOINT_URL_\(service.endpointVariableSuffix)") ?? nonEmpty("AWS_ENDPOINT_URL")
            if configured == nil, let settings = configFile?.configProfile(profile) {
                configured = try servicesSection(settings, profile: profile)?[service.endpointVariableSuffix.lowercased()]?["endpoint_url"]
                    ?? settings["endpoint_url"]
            }
        }
        let text = explicit ?? configured ?? service.defaultEndpoint(region: region)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw AWSClientConfigurationError.invalidEndpoint(text)
        }
        return url
    }

    /// The `[services NAME]` section a profile's `services` names: its blocks by service id (snake case, as in
    /// `AWS_ENDPOINT_URL_<SERVICE>` lower-cased); nil when the profile names none.
    private func servicesSection(_ settings: [String: String], profile: String) throws -> [String: [String: String]]? {
        guard let name = settings["services"], !name.isEmpty else { return nil }
        guard let file = configFile, file.sections["services \(name)"] != nil else {
            throw AWSClientConfigurationError.servicesSectionNotFound(profile: profile, section: name)
        }
        return file.nested["services \(name)"] ?? [:]
    }

    /// The CA bundle to trust for HTTPS instead of the system's: `--ca-bundle`, `AWS_CA_BUNDLE`, the
    /// profile's `ca_bundle`.
    public func caBundle(explicit: String?, profile explicitProfile: String?) -> String? {
        explicit ?? nonEmpty("AWS_CA_BUNDLE") ?? configFile?.configProfile(profileName(explicit: explicitProfile))?["ca_bundle"]
    }

    var home: String { environment["HOME"] ?? NSHomeDirectory() }
    var credentialsPath: String { nonEmpty("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials" }
    var configPath: String { nonEmpty("AWS_CONFIG_FILE") ?? "\(home)/.aws/config" }
    var credentialsFile: AWSSharedConfigFile? { readFile(credentialsPath).map(AWSSharedConfigFile.init(parsing:)) }
    var configFile: AWSSharedConfigFile? { readFile(configPath).map(AWSSharedConfigFile.init(parsing:)) }

    func profileExists(_ profile: String) -> Bool {
        credentialsFile?.credentialsProfile(profile) != nil || configFile?.configProfile(profile) != nil
    }

    func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
