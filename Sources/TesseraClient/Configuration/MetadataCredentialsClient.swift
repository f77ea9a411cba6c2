import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The credentials the machine a command runs on hands out, when nothing else is configured: a container's
/// credentials endpoint, and EC2 instance metadata. ``MetadataCredentialsClient`` fetches them over HTTP; tests
/// give their own.
public protocol MetadataCredentialsSource: Sendable {
    /// The container's credentials; an error says why there are none.
    func containerCredentials(_ endpoint: ContainerCredentialsEndpoint) async throws -> AWSCredentials
    /// The instance role's credentials, nil when no instance metadata service answers or it has no role.
    func instanceMetadataCredentials(_ settings: InstanceMetadataSettings) async -> AWSCredentials?
}

/// Fetches machine credentials with plain, unsigned HTTP requests, as botocore's fetchers do: a container
/// endpoint tried three times, two seconds each, a second apart; instance metadata with IMDSv2 — a session
/// token from `PUT /latest/api/token`, falling back to IMDSv1 (no token) when that answers 403, 404 or 405 —
/// then the role named at `/latest/meta-data/iam/security-credentials/` and its credentials there.
public struct MetadataCredentialsClient: MetadataCredentialsSource {
    let http: HTTPClient

    public init(http: HTTPClient) {
        self.http = http
    }

    public func containerCredentials(_ endpoint: ContainerCredentialsEndpoint) async throws -> AWSCredentials {
        let url = endpoint.url.absoluteString
        var why = ""
        for attempt in 0..<3 {
            if attempt > 0 { try await Task.sleep(for: .seconds(1)) }
            var request = HTTPClientRequest(url: url)
            if let token = try endpoint.authorization() { request.headers.add(name: "Authorization", value: token) }
            guard let (status, body) = await exchange(request, timeout: .seconds(2)) else {
                why = "no answer"
                continue
            }
            guard status == 200 else {
                why = "HTTP \(status)"
                if status >= 500 { continue }
                break
            }
            switch TemporaryCredentialsJSON.parse(body) {
            case .success(let credentials): return credentials
            case .failure(let unusable): throw AWSClientConfigurationError.containerCredentialsFailed(url: url, detail: unusable.reason)
            }
        }
        throw AWSClientConfigurationError.containerCredentialsFailed(url: url, detail: why)
    }

    public func instanceMetadataCredentials(_ settings: InstanceMetadataSettings) async -> AWSCredentials? {
        var base = settings.endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        func call(_ method: HTTPMethod, _ path: String, _ headers: [(String, String)]) async -> (status: Int, body: [UInt8])? {
            for _ in 0..<settings.attempts {
                var request = HTTPClientRequest(url: base + path)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let answer = await exchange(request, timeout: settings.timeout) { return answer }
            }
            return nil
        }
        guard let tokenAnswer = await call(.PUT, "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]) else {
            return nil
        }
        var headers: [(String, String)] = []
        switch tokenAnswer.status {
        case 200: headers = [("x-aws-ec2-metadata-token", String(decoding: tokenAnswer.body, as: UTF8.self))]
        case 403, 404, 405: break   // IMDSv1 only
        default: return nil
        }
        let path = "/latest/meta-data/iam/security-credentials/"
        guard let roles = await call(.GET, path, headers), roles.status == 200,
              let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first,
              let answer = await call(.GET, path + role, headers), answer.status == 200,
              case .success(let credentials) = TemporaryCredentialsJSON.parse(answer.body) else {
            return nil
        }
        return credentials
    }

    /// One request's status and body (up to 64 KiB), nil when no answer came within `timeout`.
    private func exchange(_ request: HTTPClientRequest, timeout: Duration) async -> (status: Int, body: [UInt8])? {
        guard let response = try? await http.execute(request, timeout: TimeAmount(timeout)),
              let body = try? await AWSServiceClient.collect(response.body, limit: 64 << 10, endpoint: request.url) else {
            return nil
        }
        return (Int(response.status.code), body)
    }
}
