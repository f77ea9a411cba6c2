/// The last step of a request's signature check, left to the front door because the signature covers a body
/// too large to read before the request is handled (ECR's UploadLayerPart: up to 28 MB of JSON). The door
/// hashes the body as it streams and must call ``verifies(bodySHA256Hex:)`` before it keeps anything.
public struct DeferredSignatureCheck: Sendable {
    private let check: @Sendable (String) -> Bool
    /// What to tell the client when the signature does not match.
    public let failureMessage: String

    public init(failureMessage: String, _ check: @escaping @Sendable (String) -> Bool) {
        self.failureMessage = failureMessage
        self.check = check
    }

    /// Whether the signature matches the request with a body of this SHA-256 (lower-case hex).
    public func verifies(bodySHA256Hex: String) -> Bool { check(bodySHA256Hex) }
}
