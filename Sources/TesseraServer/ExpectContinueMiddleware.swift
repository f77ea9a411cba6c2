import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import TesseraFrontDoor

/// Answers `Expect: 100-continue` (RFC 9110 §10.1.1): the interim `100 Continue` goes out when something first
/// reads the request's body — after the signature, the free-space floor and the operation's own checks have
/// passed — and never when the request is answered without reading it, so a client that waits for it never
/// sends a 4 GiB part into a refusal. Without it, curl and other clients wait a second and then send anyway.
struct ExpectContinueMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expectation = request.headers[.expect], expectation.lowercased() == "100-continue" else {
            return try await next(request, context)
        }
        var request = request
        let interim = InterimContinue(channel: context.channel)
        request.body = RequestBody(asyncSequence: ObservedRequestBody(base: request.body, willRead: { interim.sendOnce() }))
        return try await next(request, context)
    }
}

/// The interim response of one request, sent at most once.
final class InterimContinue: Sendable {
    static let bytes = "HTTP/1.1 100 Continue\r\n\r\n"
    private let channel: any Channel
    private let sent = NIOLockedValueBox(false)

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Writes `100 Continue` on the connection, below the HTTP encoder (which has no words for an interim
    /// response) and above TLS. Queued on the connection's event loop before the request's own response can
    /// be, so it always goes out first.
    func sendOnce() {
        let first = sent.withLockedValue { sent in
            defer { sent = true }
            return !sent
        }
        guard first else { return }
        let channel = channel
        channel.eventLoop.execute {
            guard let encoder = try? channel.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else { return }
            encoder.writeAndFlush(NIOAny(channel.allocator.buffer(string: Self.bytes)), promise: nil)
        }
    }
}
