/// Why a request failed SigV4 authentication. Map to the service's own error format (docs/aws/sigv4.md#auth-errors).
public enum SigV4Error: Error, Sendable, Equatable {
    /// Neither an `Authorization` header nor an `X-Amz-Algorithm` query parameter.
    case missingAuthenticationToken
    /// Malformed or incomplete authentication information; the message says what.
    case incompleteSignature(String)
    /// The access key is unknown.
    case unrecognizedClient
    /// The computed signature differs from the one given.
    case signatureDoesNotMatch
    /// Request time more than 15 minutes before now. The full AWS-style message, e.g.
    /// `Signature expired: 20170111T204052Z is now earlier than 20170111T225449Z (20170111T230949Z - 15 min.)`.
    case expired(String)
    /// Request time more than 15 minutes after now. The full AWS-style message, e.g.
    /// `Signature not yet current: 20170111T233000Z is still later than 20170111T232449Z (20170111T230949Z + 15 min.)`.
    case notYetCurrent(String)
    /// A presigned URL used after `X-Amz-Date + X-Amz-Expires`.
    case presignedExpired
    /// A credential scope for another service, or not a region: the message says which, as AWS words it.
    case wrongScope(String)
    /// An algorithm other than `AWS4-HMAC-SHA256` (e.g. SigV2 `AWS`, SigV4a `AWS4-ECDSA-P256-SHA256`).
    case unsupportedAlgorithm(String)

    /// Human-readable text for the error body.
    public var message: String {
        switch self {
        case .missingAuthenticationToken:
            return "Missing Authentication Token"
        case .incompleteSignature(let text), .wrongScope(let text):
            return text
        case .unrecognizedClient:
            return "The security token included in the request is invalid."
        case .signatureDoesNotMatch:
            return "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        case .expired(let text), .notYetCurrent(let text):
            return text
        case .presignedExpired:
            return "Request has expired"
        case .unsupportedAlgorithm(let algorithm):
            return "Unsupported AWS 'algorithm': '\(algorithm)'. Only AWS4-HMAC-SHA256 is supported."
        }
    }
}
