import Hummingbird
import Prometheus
import TesseraFrontDoor

/// Counts every answered request by service, operation and status, times it by service and operation, and
/// counts the bytes requests and responses declare by service, each metric with its HELP text.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    let registry: PrometheusCollectorRegistry

    // Computed: MetricNameDescriptor is not Sendable, so it cannot be a stored static.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "requests", unitName: "total",
            helpText: "Requests answered, by service, operation and HTTP status.")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from a request's head to its response's head, by service and operation.")
    }
    static var received: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "received_bytes", unitName: "total",
            helpText: "Request body bytes received, by service: the lengths requests declare, and the bytes read of bodies sent chunked.")
    }
    static var sent: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "sent_bytes", unitName: "total",
            helpText: "Response body bytes sent, by the lengths responses declare, by service.")
    }

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let service = OperationNames.service(of: request)
        var request = request
        let received = registry.makeCounter(descriptor: Self.received, labels: [("service", service)])
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }) {
            received.increment(by: length)
        } else if request.headers[.transferEncoding] != nil {
            // A chunked body (podman and docker send layers so) declares no length: count it as it is read.
            request.body = RequestBody(asyncSequence: ObservedRequestBody(base: request.body, didRead: { received.increment(by: Int64($0.readableBytes)) }))
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            record(request, context, service: service, status: Int(error.status.code), since: start)
            throw error
        }
        record(request, context, service: service, status: Int(response.status.code), since: start)
        if let length = response.headers[.contentLength].flatMap({ Int64($0) }) {
            registry.makeCounter(descriptor: Self.sent, labels: [("service", service)]).increment(by: length)
        }
        return response
    }

    private func record(_ request: Request, _ context: Context, service: String, status: Int, since start: ContinuousClock.Instant) {
        let operation = OperationNames.of(request, route: context.endpointPath, annotated: context.annotations.operation)
        registry.makeCounter(descriptor: Self.requests,
                             labels: [("service", service), ("operation", operation), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("service", service), ("operation", operation)],
                                       buckets: Self.buckets).record(ContinuousClock.now - start)
    }
}
