import Hummingbird
import NIOCore

/// A request body that tells someone when it is read: `willRead` before each read (``ExpectContinueMiddleware``
/// sends `100 Continue` before the first), `didRead` with each chunk read (``RequestMetricsMiddleware`` counts
/// the bytes of chunked bodies).
struct ObservedRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    var willRead: @Sendable () -> Void = {}
    var didRead: @Sendable (ByteBuffer) -> Void = { _ in }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let willRead: @Sendable () -> Void
        let didRead: @Sendable (ByteBuffer) -> Void

        mutating func next() async throws -> ByteBuffer? {
            willRead()
            let chunk = try await base.next()
            if let chunk { didRead(chunk) }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), willRead: willRead, didRead: didRead)
    }
}
