import Hummingbird
import HTTPTypes
import TesseraEBSAPI
import TesseraGlacierAPI
import TesseraSigV4
import TesseraWire

/// How EC2, EBS and Glacier word a refused signature (docs/aws/sigv4.md#auth-errors); the dialects use them.
enum AuthErrorResponse {
    /// EC2's answers: 401 AuthFailure for credentials it cannot validate, 400 for a malformed request.
    static func ec2Error(_ error: SigV4Error, requestID: String) -> Response {
        let (code, status): (String, HTTPResponse.Status) = switch error {
        case .missingAuthenticationToken: ("MissingAuthenticationToken", .unauthorized)
        case .incompleteSignature, .unsupportedAlgorithm: ("IncompleteSignature", .badRequest)
        case .unrecognizedClient, .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired, .wrongScope: ("AuthFailure", .unauthorized)
        }
        return EC2SnapshotAPI.error(code: code, message: error.message, status: status, requestID: requestID)
    }

    /// EBS's answers: rest-json services answer authentication failures with 403 (docs/aws/sigv4.md#auth-errors).
    static func ebsError(_ error: SigV4Error) -> EBSWireError {
        switch error {
        case .missingAuthenticationToken: EBSWireError(.missingAuthenticationToken, error.message, origin: .authentication)
        case .incompleteSignature, .unsupportedAlgorithm: EBSWireError(.incompleteSignature, error.message, origin: .authentication)
        case .unrecognizedClient: EBSWireError(.unrecognizedClient, error.message, origin: .authentication)
        case .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired, .wrongScope:
            EBSWireError(.invalidSignature, error.message, origin: .authentication)
        }
    }

    /// Glacier's answers (docs/aws/sigv4.md#auth-errors).
    static func glacierError(_ error: SigV4Error) -> GlacierWireError {
        switch error {
        case .missingAuthenticationToken: GlacierWireError(.missingAuthenticationToken, error.message)
        case .incompleteSignature: GlacierWireError(.incompleteSignature, error.message)
        case .unrecognizedClient: GlacierWireError(.unrecognizedClient, error.message)
        case .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired, .wrongScope: GlacierWireError(.invalidSignature, error.message)
        case .unsupportedAlgorithm: GlacierWireError(.incompleteSignature, error.message)
        }
    }
}
