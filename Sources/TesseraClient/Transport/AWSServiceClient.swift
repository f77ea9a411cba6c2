import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import TesseraCore
import TesseraSigV4

/// Signs and sends requests to one service at one endpoint: SigV4 with the caller's credentials, a deadline
/// on every attempt, and retries of throttling, 5xx answers and dropped connections under a ``RetryPolicy``.
public final class AWSServiceClient: Sendable {
    public let service: AWSService
    public let endpoint: URL
    public let region: String
    /// Where the credentials come from (fetched again before they expire when they can be).
    public let credentialProvider: AWSCredentialProvider
    let http: HTTPClient
    public let retry: RetryPolicy
    let requestTimeout: Duration
    /// Added to an attempt's deadline for each MiB of the request's body, so that a large body is not held to
    /// the deadline of a small request.
    let timeoutPerMiB: Duration

    /// - Parameters:
    ///   - requestTimeout: how long an attempt may take until the answer's head arrives (sending the body
    ///     included; reading the answer's body is not limited).
    ///   - timeoutPerMiB: added to that deadline for each MiB of body sent.
    public convenience init(service: AWSService, endpoint: URL, region: String, credentials: AWSCredentials, http: HTTPClient,
                            retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120),
                            timeoutPerMiB: Duration = .zero) {
        self.init(service: service, endpoint: endpoint, region: region, credentialProvider: AWSCredentialProvider(fixed: credentials),
                  http: http, retry: retry, requestTimeout: requestTimeout, timeoutPerMiB: timeoutPerMiB)
    }

    /// A client whose credentials may be fetched again as they near expiry (``AWSCredentialProvider``).
    public init(service: AWSService, endpoint: URL, region: String, credentialProvider: AWSCredentialProvider, http: HTTPClient,
                retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(120), timeoutPerMiB: Duration = .zero) {
        self.service = service
        self.endpoint = endpoint
        self.region = region
        self.credentialProvider = credentialProvider
        self.http = http
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.timeoutPerMiB = timeoutPerMiB
    }

    /// The deadline of one attempt to send `bodyBytes`, as NIO counts time.
    func attemptTimeout(bodyBytes: Int) -> TimeAmount {
        TimeAmount(requestTimeout + timeoutPerMiB * (Double(bodyBytes) / Double(1 << 20)))
    }

    /// Sends `request` (retrying as the policy allows) and returns the answer read in full, up to
    /// `responseLimit` bytes. An error answer throws ``AWSServiceError``; no answer throws ``AWSTransportError``.
    public func send(_ request: AWSRequest, responseLimit: Int = 16 << 20) async throws -> AWSResponse {
        try await retry.run(isRetryable: Self.isRetryable) { _ in
            try await self.stream(request) { response, body in
                let bytes = try await Self.collect(body, limit: responseLimit, endpoint: self.endpoint.absoluteString)
                return AWSResponse(status: response.status, headers: response.headers, body: bytes)
            }
        }
    }

    /// One attempt: sends `request` and hands a successful answer's head and body stream to `consume`.
    /// Error answers are read and thrown as ``AWSServiceError`` without calling `consume`.
    public func stream<Result: Sendable>(
        _ request: AWSRequest,
        _ consume: (AWSResponse, HTTPClientResponse.Body) async throws -> Result
    ) async throws -> Result {
        let prepared = try await prepare(request)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(prepared, timeout: attemptTimeout(bodyBytes: request.bodyLength))
        } catch {
            throw translate(error)
        }
        guard (200..<300).contains(response.status.code) else {
            throw await Self.errorAnswer(response, endpoint: endpoint.absoluteString)
        }
        do {
            return try await consume(AWSResponse(status: Int(response.status.code),
                                                 headers: response.headers.map { (name: $0.name, value: $0.value) }, body: []),
                                     response.body)
        } catch let error as AWSServiceError {
            throw error
        } catch let error as AWSTransportError {
            throw error
        } catch let error as HTTPClientError {
            throw translate(error)
        }
    }

    /// One unsigned GET of `url` (a presigned or token URL the service handed out), its body streamed to `consume`.
    public func fetch(_ url: URL, _ consume: (HTTPClientResponse.Body) async throws -> Void) async throws {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(HTTPClientRequest(url: url.absoluteString), timeout: attemptTimeout(bodyBytes: 0))
        } catch {
            throw translate(error)
        }
        guard (200..<300).contains(response.status.code) else {
            throw await Self.errorAnswer(response, endpoint: url.absoluteString)
        }
        do {
            try await consume(response.body)
        } catch let error as HTTPClientError {
            throw translate(error)
        }
    }

    /// Decodes a JSON answer; an answer that is not the promised shape is the server's fault, said so.
    public func decode<T: Decodable>(_ type: T.Type, from response: AWSResponse) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw AWSTransportError(.malformedResponse, endpoint: endpoint.absoluteString,
                                    detail: "could not read \(T.self): \(error)")
        }
    }

    /// Retry throttling, server errors and lost connections; never a cancellation or a caller's mistake.
    public static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let service as AWSServiceError: service.isRetryable
        case let transport as AWSTransportError: transport.isRetryable
        default: false
        }
    }

    /// An error answer read (its first MiB) into the service's code and message.
    static func errorAnswer(_ response: HTTPClientResponse, endpoint: String) async -> AWSServiceError {
        let body = (try? await collect(response.body, limit: 1 << 20, endpoint: endpoint)) ?? []
        return AWSServiceError(status: Int(response.status.code), headers: response.headers.map { (name: $0.name, value: $0.value) },
                               body: body)
    }

    static func collect(_ body: HTTPClientResponse.Body, limit: Int, endpoint: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                guard bytes.count + chunk.readableBytes <= limit else {
                    throw AWSTransportError(.malformedResponse, endpoint: endpoint,
                                            detail: "response body larger than \(limit) bytes")
                }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as HTTPClientError {
            throw AWSTransportError(.connectionLost, endpoint: endpoint, detail: "\(error)")
        }
        return bytes
    }

    func prepare(_ request: AWSRequest) async throws -> HTTPClientRequest {
        let basePath = endpoint.path == "/" ? "" : endpoint.path
        let path = basePath + request.path
        let query = request.query.map {
            "\(SigV4Encoding.uriEncode($0.name, keepSlash: false))=\(SigV4Encoding.uriEncode($0.value, keepSlash: false))"
        }.joined(separator: "&")
        var headers = request.headers
        headers.append(("Host", hostHeader))
        var signed = SigV4Request(method: request.method, path: path, query: query, headers: headers)
        if !credentialProvider.isAnonymous {
            let credentials = try await credentialProvider.current()
            if let token = credentials.sessionToken { signed.headers.append(("X-Amz-Security-Token", token)) }
            let payload = request.payloadSHA256 ?? Self.sha256(request)
            signed = SigV4Signer.sign(
                signed, accessKey: credentials.accessKeyID, secret: credentials.secretAccessKey, region: region,
                service: service.signingName, date: Date(), payloadSHA256Hex: payload.hex, includeContentSHA256: true)
        }
        var origin = "\(endpoint.scheme ?? "https")://\(endpoint.host ?? "")"
        if let port = endpoint.port { origin += ":\(port)" }
        var http = HTTPClientRequest(url: origin + path + (query.isEmpty ? "" : "?\(query)"))
        http.method = HTTPMethod(rawValue: request.method)
        for header in signed.headers where header.name.lowercased() != "host" {
            http.headers.add(name: header.name, value: header.value)
        }
        let length = request.bodyLength
        if length > 0 || ["PUT", "POST"].contains(request.method) {
            if let generated = request.generatedBody {
                let eventLoops = Array(self.http.eventLoopGroup.makeIterator())
                http.body = .stream(GeneratedBodyPieces(body: generated, eventLoops: eventLoops), length: .known(Int64(length)))
            } else {
                http.body = .stream(ByteBufferChunks(buffers: request.body), length: .known(Int64(length)))
            }
        }
        return http
    }

    private var hostHeader: String {
        let host = endpoint.host ?? ""
        guard let port = endpoint.port else { return host }
        let isDefault = (endpoint.scheme == "https" && port == 443) || (endpoint.scheme == "http" && port == 80)
        return isDefault ? host : "\(host):\(port)"
    }

    private static func sha256(_ request: AWSRequest) -> SHA256Value {
        var hasher = SHA256()
        if let generated = request.generatedBody {
            var index = 0
            while let piece = generated.piece(index) {
                piece.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                index += 1
            }
        } else {
            for buffer in request.body { buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        }
        return SHA256Value(hasher.finalize())
    }

    private func translate(_ error: any Error) -> any Error {
        Self.translate(error, endpoint: endpoint.absoluteString, timeout: requestTimeout)
    }

    /// What an HTTP client's failure means to the caller: a timeout, a lost connection, an unreachable or
    /// untrusted endpoint (``AWSTransportError``), or a cancellation.
    static func translate(_ error: any Error, endpoint where_: String, timeout requestTimeout: Duration) -> any Error {
        if error is CancellationError { return error }
        let text = String(describing: error)
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return AWSTransportError(.timedOut, endpoint: where_, detail: "no answer within \(requestTimeout)")
            case .cancelled:
                return CancellationError()
            case .remoteConnectionClosed, .bodyLengthMismatch:
                return AWSTransportError(.connectionLost, endpoint: where_, detail: text)
            default:
                break
            }
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return AWSTransportError(.untrustedCertificate, endpoint: where_, detail: "certificate verify failed")
        }
        if text.contains("refused") || text.contains("NIOConnectionError") || text.contains("connectTimeout")
            || text.contains("nodename nor servname") || text.contains("Name or service not known") {
            return AWSTransportError(.unreachable, endpoint: where_, detail: Self.shortReason(text))
        }
        return AWSTransportError(.connectionLost, endpoint: where_, detail: Self.shortReason(text))
    }

    private static func shortReason(_ text: String) -> String {
        if text.contains("refused") { return "connection refused" }
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
