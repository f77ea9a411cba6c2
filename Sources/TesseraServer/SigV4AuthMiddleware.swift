import Foundation
import Hummingbird
import NIOCore
import TesseraCore
import TesseraFrontDoor
import TesseraECRAPI
import TesseraSigV4

/// Verifies the SigV4 signature of every AWS-API request before it reaches a front door, and records the
/// caller and the signed payload hash in the context.
///
/// A request that signs a hex `x-amz-content-sha256` streams on; the front door holds the body to that
/// hash as it reads it. One that signs no payload hash (the SDKs' JSON calls) has its small body read here
/// to check the signature, and passed on as read.
struct SigV4AuthMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    /// Paths that need no signature.
    static let openPaths: Set<String> = ["/health", "/metrics"]
    /// Path prefixes that need no signature: URLs that carry their own token (layer downloads).
    static let openPrefixes = [LayerDownloadRoute.prefix]
    /// The largest body read to check a signature that covers it.
    static let maxSignedBodySize = 32 << 20

    let credentials: CredentialStore
    let clock: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.openPaths.contains(request.uri.path) || Self.openPrefixes.contains(where: request.uri.path.hasPrefix) {
            return try await next(request, context)
        }
        let dialect = FrontDoorDialect.of(request)
        guard dialect.signedWithSigV4 else { return try await next(request, context) }
        var request = request
        var context = context
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        // HTTP/1's Host header arrives as the request's authority; put it back for the canonical request.
        if let authority = request.head.authority, !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append((name: "host", value: authority))
        }
        let wire = SigV4Request(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers)
        var bodyHash: String?
        let hasPayloadHeader = wire.headerValue("x-amz-content-sha256") != nil
        let isPresigned = wire.query.contains("X-Amz-Algorithm=")
        if !hasPayloadHeader && !isPresigned && dialect.verifiesBodyAsItStreams(request) {
            return try await deferring(request, wire, dialect, context, next)
        }
        if !hasPayloadHeader && !isPresigned && wire.headerValue("authorization") != nil {
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: Self.maxSignedBodySize)
            } catch is NIOTooManyBytesError {
                return dialect.authFailure(.incompleteSignature("A body larger than \(Self.maxSignedBodySize) bytes must sign x-amz-content-sha256"),
                                           request, context.requestID)
            } catch {
                // The client went away mid-body: its doing, answered (if the socket still takes it) and logged at info.
                context.logger.info("request body ended early", metadata: ["tessera.error": .string(String(describing: error))])
                return dialect.authFailure(.incompleteSignature("The request body ended before its Content-Length"), request, context.requestID)
            }
            bodyHash = body.withUnsafeReadableBytes { SHA256Value.of(Array($0)).hex }
            request.body = .init(buffer: body)
        }
        let identity: SigV4Identity
        let payload: SigV4PayloadHash
        do {
            (identity, payload) = try SigV4Verifier.verify(wire, now: clock(), bodySHA256Hex: bodyHash, services: Self.services(dialect, request)) { key in
                credentials.account(forAccessKey: key)?.secret
            }
        } catch {
            context.logger.info("signature refused", metadata: ["tessera.auth.error": .string(error.message)])
            return dialect.authFailure(error, request, context.requestID)
        }
        guard let account = credentials.account(forAccessKey: identity.accessKey) else {
            return dialect.authFailure(.unrecognizedClient, request, context.requestID)
        }
        context.caller = Caller(accountID: account.accountID, accessKey: identity.accessKey, region: identity.region)
        if case .sha256Hex(let hex) = payload { context.payloadSHA256 = SHA256Value(hex: hex) }
        context.logger[metadataKey: "account"] = .string(account.accountID)
        context.annotations.account = account.accountID
        return try await next(request, context)
    }

    /// The signing names the dialect accepts, or nil (any) when it names none (an unknown JSON 1.1 target,
    /// answered with UnknownOperationException after the signature checks out).
    static func services(_ dialect: FrontDoorDialect, _ request: Request) -> [String]? {
        let names = dialect.signingNames(request)
        return names.isEmpty ? nil : names
    }

    /// Checks everything but the signature over the body, and leaves that last comparison to the door, which
    /// hashes the body as it streams (``DeferredSignatureCheck``).
    private func deferring(_ request: Request, _ wire: SigV4Request, _ dialect: FrontDoorDialect, _ context: Context,
                           _ next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let pending: SigV4PendingVerification
        do {
            pending = try SigV4Verifier.prepare(wire, now: clock(), services: Self.services(dialect, request),
                                                secretFor: { credentials.account(forAccessKey: $0)?.secret })
        } catch {
            context.logger.info("signature refused", metadata: ["tessera.auth.error": .string(error.message)])
            return dialect.authFailure(error, request, context.requestID)
        }
        guard let account = credentials.account(forAccessKey: pending.identity.accessKey) else {
            return dialect.authFailure(.unrecognizedClient, request, context.requestID)
        }
        context.caller = Caller(accountID: account.accountID, accessKey: pending.identity.accessKey, region: pending.identity.region)
        context.deferredSignature = DeferredSignatureCheck(failureMessage: SigV4Error.signatureDoesNotMatch.message) { hex in
            (try? pending.finish(bodySHA256Hex: hex)) != nil
        }
        context.logger[metadataKey: "account"] = .string(account.accountID)
        context.annotations.account = account.accountID
        return try await next(request, context)
    }
}
