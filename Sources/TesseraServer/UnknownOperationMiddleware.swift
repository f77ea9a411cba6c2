import Hummingbird
import TesseraFrontDoor

/// Answers a signed request that no route matches (a path or method no operation has) in the error format
/// of the protocol it was aimed at (``FrontDoorDialect/unknownOperation``) instead of the router's empty 404,
/// so an SDK shows a message, not a parse failure. Runs after signature verification: an unsigned request
/// is refused for that first.
struct UnknownOperationMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            return FrontDoorDialect.of(request).unknownOperation(request, context.requestID)
        }
    }
}
