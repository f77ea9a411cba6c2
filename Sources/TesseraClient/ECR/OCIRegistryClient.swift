import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import TesseraCore

/// Reads from a container registry's `/v2/` API without credentials, as public.ecr.aws serves ECR Public
/// images: a request answered `401` with `WWW-Authenticate: Bearer realm="…",service="…"` is sent again with
/// an anonymous token fetched from the realm (the distribution project's token protocol: `GET realm?service=…
/// &scope=repository:NAME:pull`, answered `{"token": …}` or `{"access_token": …}`). A token is kept per
/// repository for the client's later requests. A registry that asks for Basic credentials instead does not
/// serve the repository anonymously, which is said so.
public final class OCIRegistryClient: Sendable {
    /// `scheme://host[:port]`.
    public let registry: URL
    let http: HTTPClient
    public let retry: RetryPolicy
    let requestTimeout: Duration
    private let tokens = LockedValue<[String: String]>([:])

    /// The largest manifest read: the distribution spec lets registries refuse manifests over 4 MiB.
    static let manifestLimit = 4 << 20

    public init(registry: URL, http: HTTPClient, retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120)) {
        self.registry = registry
        self.http = http
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// A manifest by tag or digest, with the media type the registry gives it and its digest (the one asked
    /// for, else the registry's `Docker-Content-Digest`, else the SHA-256 of its bytes).
    public func manifest(name: String, reference: String, accepting mediaTypes: [String]) async throws -> PulledManifest {
        try await get("/v2/\(name)/manifests/\(reference)", name: name,
                      headers: [("Accept", mediaTypes.joined(separator: ", "))]) { head, body in
            let bytes = try await AWSServiceClient.collect(body, limit: Self.manifestLimit, endpoint: registry.absoluteString)
            let mediaType = head.first(name: "Content-Type")
                .map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces) }
            let digest = reference.contains(":") ? reference
                : head.first(name: "Docker-Content-Digest") ?? "sha256:" + SHA256Value(SHA256.hash(data: bytes)).hex
            return PulledManifest(bytes: Data(bytes), mediaType: mediaType, digest: digest)
        }
    }

    /// One attempt at a blob; redirects (a registry may send the bytes from elsewhere) are followed by the
    /// HTTP client, which drops the token when the redirect leaves the registry's origin.
    public func blob(name: String, digest: String, _ consume: (HTTPClientResponse.Body) async throws -> Void) async throws {
        try await get("/v2/\(name)/blobs/\(digest)", name: name, headers: []) { _, body in try await consume(body) }
    }

    /// One GET, sent a second time with a token if the first is challenged; an error answer throws
    /// ``AWSServiceError`` (the registry's `{"errors":[…]}` code and message).
    private func get<Result>(_ path: String, name: String, headers: [(String, String)],
                             _ consume: (HTTPHeaders, HTTPClientResponse.Body) async throws -> Result) async throws -> Result {
        var challenged = false
        while true {
            var request = HTTPClientRequest(url: registry.absoluteString + path)
            for (field, value) in headers { request.headers.add(name: field, value: value) }
            if let token = tokens.withLock({ $0[name] }) { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await execute(request)
            if response.status == .unauthorized, !challenged {
                _ = try? await AWSServiceClient.collect(response.body, limit: 1 << 20, endpoint: registry.absoluteString)
                let token = try await anonymousToken(challenge: response.headers.first(name: "WWW-Authenticate"), name: name)
                tokens.withLock { $0[name] = token }
                challenged = true
                continue
            }
            guard (200..<300).contains(response.status.code) else {
                throw await AWSServiceClient.errorAnswer(response, endpoint: registry.absoluteString)
            }
            do {
                return try await consume(response.headers, response.body)
            } catch let error as HTTPClientError {
                throw AWSServiceClient.translate(error, endpoint: registry.absoluteString, timeout: requestTimeout)
            }
        }
    }

    /// Fetches an anonymous pull token from the realm a Bearer challenge names.
    private func anonymousToken(challenge: String?, name: String) async throws -> String {
        guard let challenge, let parameters = Self.bearerParameters(challenge), let realm = parameters["realm"],
              var components = URLComponents(string: realm) else {
            throw AWSServiceError(status: 401, code: "UNAUTHORIZED",
                                  message: "\(registry.absoluteString) wants credentials for \(name) (\(challenge ?? "no challenge")); "
                                      + "public repositories are pulled without them, so this one is not public there")
        }
        var query = components.queryItems ?? []
        if let service = parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        // The scope is the repository's, as docker asks for it; a challenge's own `scope` (public.ecr.aws writes
        // "aws") is not what the token must allow.
        query.append(URLQueryItem(name: "scope", value: "repository:\(name):pull"))
        components.queryItems = query
        guard let url = components.url else {
            throw AWSTransportError(.malformedResponse, endpoint: registry.absoluteString, detail: "token realm \(realm) is not a URL")
        }
        let response = try await execute(HTTPClientRequest(url: url.absoluteString))
        guard response.status == .ok else { throw await AWSServiceClient.errorAnswer(response, endpoint: url.absoluteString) }
        let body = try await AWSServiceClient.collect(response.body, limit: 1 << 20, endpoint: url.absoluteString)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let token = (object["token"] ?? object["access_token"]) as? String, !token.isEmpty else {
            throw AWSTransportError(.malformedResponse, endpoint: url.absoluteString, detail: "the token answer names no token")
        }
        return token
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await http.execute(request, timeout: TimeAmount(requestTimeout))
        } catch {
            throw AWSServiceClient.translate(error, endpoint: registry.absoluteString, timeout: requestTimeout)
        }
    }

    /// The parameters of a `Bearer` challenge (`realm`, `service`, `scope`), or nil for another scheme.
    public static func bearerParameters(_ challenge: String) -> [String: String]? {
        let trimmed = challenge.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bearer ") else { return nil }
        var parameters: [String: String] = [:]
        var rest = Substring(trimmed.dropFirst("bearer ".count))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            let value: Substring
            if rest.first == "\"" {
                let body = rest.dropFirst()
                let close = body.firstIndex(of: "\"") ?? body.endIndex
                value = body[..<close]
                rest = close < body.endIndex ? body[body.index(after: close)...] : ""
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            parameters[key] = String(value)
        }
        return parameters
    }
}
