/// Glacier's error codes: the raw value is the exact wire string of the `code` field.
public enum GlacierErrorCode: String, Sendable, CaseIterable {
    case resourceNotFound = "ResourceNotFoundException"
    case invalidParameterValue = "InvalidParameterValueException"
    case missingParameterValue = "MissingParameterValueException"
    case limitExceeded = "LimitExceededException"
    case accessDenied = "AccessDeniedException"
    case serialization = "SerializationException"
    case requestTimeout = "RequestTimeoutException"
    case serviceUnavailable = "ServiceUnavailableException"
    case invalidSignature = "InvalidSignatureException"
    case unrecognizedClient = "UnrecognizedClientException"
    case missingAuthenticationToken = "MissingAuthenticationTokenException"
    case incompleteSignature = "IncompleteSignatureException"
    case badRequest = "BadRequest"
    /// No operation has this method and path.
    case unknownOperation = "UnknownOperationException"

    /// The HTTP status Glacier answers this error with (docs/aws/glacier.md#errors, docs/aws/sigv4.md#auth-errors).
    public var status: Int {
        switch self {
        case .resourceNotFound, .unknownOperation: 404
        case .accessDenied, .invalidSignature: 403
        case .requestTimeout: 408
        case .serviceUnavailable: 500
        case .invalidParameterValue, .missingParameterValue, .limitExceeded, .serialization, .unrecognizedClient,
             .missingAuthenticationToken, .incompleteSignature, .badRequest: 400
        }
    }

    /// `Client` for the caller's mistakes, `Server` for ours.
    public var type: String { self == .serviceUnavailable ? "Server" : "Client" }
}
