import Hummingbird
import NIOCore
import TesseraSigV4
import TesseraWire

/// Renders a refused signature in the error format of the protocol the request was for.
/// Only Glacier is served so far; its format is the default.
enum AuthErrorResponse {
    static func render(_ error: SigV4Error, for request: Request) -> Response {
        let wire = glacierError(error)
        return Response(status: .init(code: wire.status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: wire.body)))
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
