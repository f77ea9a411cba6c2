import Hummingbird
import HTTPTypes
import TesseraEBSAPI
import TesseraGlacierAPI
import TesseraSigV4
import TesseraWire

/// Renders a refused signature in the error format of the protocol the request was for (``ProtocolOfRequest``).
enum AuthErrorResponse {
    static func render(_ error: SigV4Error, for request: Request, requestID: String) -> Response {
        switch ProtocolOfRequest(request) {
        case .ebs: return EBSResponse.error(ebsError(error))
        case .ec2: return ec2Error(error, requestID: requestID)
        case .glacier: return GlacierResponse.error(glacierError(error))
        }
    }

    /// EC2's answers: 401 AuthFailure for credentials it cannot validate, 400 for a malformed request.
    static func ec2Error(_ error: SigV4Error, requestID: String) -> Response {
        let (code, status): (String, HTTPResponse.Status) = switch error {
        case .missingAuthenticationToken: ("MissingAuthenticationToken", .unauthorized)
        case .incompleteSignature, .unsupportedAlgorithm: ("IncompleteSignature", .badRequest)
        case .unrecognizedClient, .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired: ("AuthFailure", .unauthorized)
        }
        return EC2SnapshotAPI.error(code: code, message: error.message, status: status, requestID: requestID)
    }

    /// EBS's answers: rest-json services answer authentication failures with 403 (aws-semantics.md §4.4).
    static func ebsError(_ error: SigV4Error) -> EBSWireError {
        switch error {
        case .missingAuthenticationToken: EBSWireError(.missingAuthenticationToken, error.message, origin: .authentication)
        case .incompleteSignature, .unsupportedAlgorithm: EBSWireError(.incompleteSignature, error.message, origin: .authentication)
        case .unrecognizedClient: EBSWireError(.unrecognizedClient, error.message, origin: .authentication)
        case .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired:
            EBSWireError(.invalidSignature, error.message, origin: .authentication)
        }
    }

    /// Glacier's answers (aws-semantics.md §4.4).
    static func glacierError(_ error: SigV4Error) -> GlacierWireError {
        switch error {
        case .missingAuthenticationToken: GlacierWireError(.missingAuthenticationToken, error.message)
        case .incompleteSignature: GlacierWireError(.incompleteSignature, error.message)
        case .unrecognizedClient: GlacierWireError(.unrecognizedClient, error.message)
        case .signatureDoesNotMatch, .expired, .notYetCurrent, .presignedExpired: GlacierWireError(.invalidSignature, error.message)
        case .unsupportedAlgorithm: GlacierWireError(.incompleteSignature, error.message)
        }
    }
}
