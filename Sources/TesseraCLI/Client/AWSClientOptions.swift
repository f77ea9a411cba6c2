import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOSSL
import TesseraClient

/// The options every client command takes, named as the AWS CLI names them.
struct AWSClientOptions: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: "Send requests here instead of AWS (e.g. http://127.0.0.1:9000 for tessera serve).")
    var endpointURL: String?

    @Option(help: "AWS region (else AWS_REGION, AWS_DEFAULT_REGION, the profile's region).")
    var region: String?

    @Option(help: "Profile from ~/.aws/credentials and ~/.aws/config (else AWS_PROFILE, else default).")
    var profile: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts per request, the first included, before giving up on throttling, 5xx answers and dropped connections.")
    var maxAttempts: Int = 5

    @Option(name: .customLong("request-timeout"), help: "Seconds one request may take before it is abandoned (and retried).")
    var requestTimeout: Int = 300

    @Option(name: .customLong("ca-bundle"), help: "PEM file of the CAs to trust for HTTPS, instead of the system's (else AWS_CA_BUNDLE, the profile's ca_bundle).")
    var caBundle: String?

    @Flag(name: .customLong("no-verify-ssl"), help: "Do not verify the server's TLS certificate (as the AWS CLI's flag; for tests only).")
    var noVerifySSL = false

    @Flag(help: "Print the result as one JSON object on stdout (after any progress, which goes to stderr as plain lines).")
    var json = false

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard requestTimeout >= 1 else { throw ValidationError("--request-timeout must be at least 1") }
    }

    /// Runs `body` with a client for `service`, resolved from these options, the environment and the AWS
    /// config files; the HTTP client is shut down afterwards whatever happens.
    func withService<Result>(_ service: AWSService, _ body: (AWSServiceClient) async throws -> Result) async throws -> Result {
        try await withClients { try await body($0.client(for: service)) }
    }

    /// Runs `body` with a factory of clients for any service, sharing one HTTP client and one set of credentials.
    func withClients<Result>(_ body: (ServiceClientFactory) async throws -> Result) async throws -> Result {
        let resolver = AWSConfigurationResolver.live()
        let region = try resolver.region(explicit: region, profile: profile)
        let stsEndpoint = try resolver.endpoint(for: .sts, explicit: nil, profile: profile, region: region)
        return try await withHTTPClient(resolver: resolver) { http in
            let credentials = try resolver.credentialProvider(
                profile: profile, assumeRole: assumeRole(endpoint: stsEndpoint, region: region, http: http),
                sso: ssoSource(resolver: resolver, http: http), machine: MetadataCredentialsClient(http: http))
            return try await body(ServiceClientFactory(options: self, resolver: resolver, credentials: credentials, region: region,
                                                       http: http))
        }
    }

    /// SSO's portal and OIDC service in a profile's `sso_region` (`AWS_ENDPOINT_URL_SSO`, `…_SSO_OIDC`, …, else
    /// AWS's), unsigned.
    private func ssoSource(resolver: AWSConfigurationResolver, http: HTTPClient) -> SSOClient {
        let profile = profile
        return SSOClient(http: http, retry: RetryPolicy(maxAttempts: maxAttempts), requestTimeout: .seconds(requestTimeout)) {
            try resolver.endpoint(for: $0, explicit: nil, profile: profile, region: $1)
        }
    }

    /// Assumes a profile's role through STS at `endpoint` (`AWS_ENDPOINT_URL_STS`, …, else STS's regional
    /// endpoint; never `--endpoint-url`, which is the command's service), with these options' retries and
    /// timeout.
    private func assumeRole(endpoint: URL, region: String, http: HTTPClient) -> RoleAssumer {
        let (attempts, timeout) = (maxAttempts, requestTimeout)
        return { role, source in
            let sts = AWSServiceClient(service: .sts, endpoint: endpoint, region: region, credentialProvider: source, http: http,
                                       retry: RetryPolicy(maxAttempts: attempts), requestTimeout: .seconds(timeout))
            var code: String?
            if let serial = role.mfaSerial {
                // Asked at every AssumeRole, a long transfer's refreshes included, as botocore asks.
                guard let answer = TerminalPrompt.ask("Enter MFA code for \(serial): "), !answer.isEmpty else {
                    throw AWSClientConfigurationError.invalidRole(
                        profile: role.profile, detail: "it needs the code of MFA device \(serial), and there is no terminal to ask for it")
                }
                code = answer
            }
            return try await STSClient(service: sts).assumeRole(role, mfaCode: code)
        }
    }

    /// Runs `body` with an HTTP client set up by these options (timeouts, TLS trust), shut down afterwards
    /// whatever happens; no credentials are needed (an anonymous registry pull).
    func withHTTPClient<Result>(resolver: AWSConfigurationResolver = .live(), _ body: (HTTPClient) async throws -> Result)
        async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(requestTimeout)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        // A connection that cannot be made fails the attempt at once, and RetryPolicy decides (5 attempts, about 3 s
        // of backoff), instead of the pool retrying it until the connect timeout of every attempt: 52 s for a
        // server that is down.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        var tls = TLSConfiguration.makeClientConfiguration()
        if let bundle = resolver.caBundle(explicit: caBundle, profile: profile) {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw ValidationError("the CA bundle \(bundle) cannot be read")
            }
            tls.trustRoots = .file(bundle)
        }
        if noVerifySSL { tls.certificateVerification = .none }
        configuration.tlsConfiguration = tls
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(http)
            try? await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

/// Makes the client of each service a command needs, on one HTTP client.
struct ServiceClientFactory {
    let options: AWSClientOptions
    let resolver: AWSConfigurationResolver
    let credentials: AWSCredentialProvider
    let region: String
    let http: HTTPClient

    func client(for service: AWSService) throws -> AWSServiceClient {
        let endpoint = try resolver.endpoint(for: service, explicit: options.endpointURL, profile: options.profile,
                                             region: region)
        return AWSServiceClient(service: service, endpoint: endpoint, region: region, credentialProvider: credentials, http: http,
                                retry: RetryPolicy(maxAttempts: options.maxAttempts),
                                requestTimeout: .seconds(options.requestTimeout))
    }
}
