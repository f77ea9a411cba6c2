import HTTPTypes
import Hummingbird
import TesseraFrontDoor

/// Puts the request id on every response (`x-amzn-RequestId`) and logs each request once it is answered.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    static let requestIDHeader = HTTPField.Name("x-amzn-RequestId")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[Self.requestIDHeader] = context.requestID
        context.logger.info("request", metadata: [
            "http.method": .string(request.method.rawValue),
            "http.path": .string(request.uri.path),
            "http.status": .stringConvertible(response.status.code),
        ])
        return response
    }
}
