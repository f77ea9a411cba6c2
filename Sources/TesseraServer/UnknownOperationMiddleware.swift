import Hummingbird
import TesseraFrontDoor
import TesseraEBSAPI
import TesseraGlacierAPI
import TesseraWire

/// Answers a signed request that no route matches (a path or method no operation has) in the error format
/// of the protocol it was aimed at — 404 `UnknownOperationException` for Glacier and EBS, 400
/// `InvalidAction` for EC2 — instead of the router's empty 404, so an SDK shows a message, not a parse
/// failure. Runs after signature verification: an unsigned request is refused for that first.
struct UnknownOperationMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let message = "No operation matches \(request.method.rawValue) \(request.uri.path)."
            switch ProtocolOfRequest(request) {
            case .ebs:
                return EBSResponse.error(EBSWireError(.unknownOperation, message, origin: .authentication))
            case .ec2:
                return EC2SnapshotAPI.error(code: "InvalidAction", message: message, status: .badRequest, requestID: context.requestID)
            case .glacier:
                return GlacierResponse.error(GlacierWireError(.unknownOperation, message))
            }
        }
    }
}
