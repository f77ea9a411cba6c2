import Hummingbird
import Metrics

/// Counts bytes in and out by the lengths requests and responses declare.
struct TrafficMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let bytesIn = Counter(label: "tessera_bytes_in_total")
    let bytesOut = Counter(label: "tessera_bytes_out_total")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }) { bytesIn.increment(by: length) }
        let response = try await next(request, context)
        if let length = response.headers[.contentLength].flatMap({ Int64($0) }) { bytesOut.increment(by: length) }
        return response
    }
}
