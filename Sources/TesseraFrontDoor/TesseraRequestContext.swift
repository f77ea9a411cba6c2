import Hummingbird
import Logging
import NIOCore
import TesseraCore

/// The request context every front door sees: who called (set by the auth middleware), which payload
/// hash the signature promised, and the request id written to every log line and `x-amzn-RequestId`.
public struct TesseraRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set once the signature is verified; nil for unauthenticated routes (`/health`, `/metrics`).
    public var caller: Caller?
    /// The signed `x-amz-content-sha256` a streamed body must match; nil when the payload was unsigned
    /// or already checked by the auth middleware.
    public var payloadSHA256: SHA256Value?
    /// Set when the auth middleware left the body unread for the door to verify as it streams
    /// (``DeferredSignatureCheck``); the door must not act on the request before it verifies.
    public var deferredSignature: DeferredSignatureCheck?
    public var requestID: String
    /// The account and operation, for the request's summary log line (``RequestAnnotations``).
    public let annotations = RequestAnnotations()
    /// The connection the request came on (for an interim `100 Continue`, ``ExpectContinueMiddleware``).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.requestID = RandomID.urlSafe(length: 20)
        // One request id in the logs: the one the response carries (`x-amzn-RequestId`), not Hummingbird's own.
        self.logger[metadataKey: "hb.request.id"] = nil
        self.logger[metadataKey: "request.id"] = .string(requestID)
    }

    /// Bodies the front doors collect (JSON documents) are small; streamed uploads never go through this limit.
    public var maxUploadSize: Int { 32 << 20 }
}
