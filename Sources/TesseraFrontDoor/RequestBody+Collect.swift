import Hummingbird
import NIOCore
import TesseraCore

extension Request {
    /// Collects a small body (a JSON document) and holds it to the signed payload hash, if any.
    /// - Returns: the bytes, or nil when the body is larger than `limit` or does not match the signed hash
    ///   (the caller answers with its protocol's error).
    public func collectVerifiedBody(context: TesseraRequestContext, limit: Int = 1 << 20) async throws -> CollectedBody {
        var copy = self
        let buffer: ByteBuffer
        do {
            buffer = try await copy.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return .tooLarge
        } catch is NIOTooManyBytesError {
            return .tooLarge
        } catch {
            // The connection closed (or the HTTP parser gave up) before the body's end: the client's doing.
            context.logger.info("request body ended early", metadata: ["tessera.error": .string(String(describing: error))])
            return .incomplete
        }
        if let expected = context.payloadSHA256 {
            let actual = buffer.withUnsafeReadableBytes { SHA256Value.of(Array($0)) }
            guard actual == expected else { return .hashMismatch(expected: expected, computed: actual) }
        }
        return .bytes(buffer)
    }
}

/// The outcome of ``Request/collectVerifiedBody(context:limit:)``.
public enum CollectedBody: Sendable {
    case bytes(ByteBuffer)
    case tooLarge
    /// The body ended before the request did (the client went away mid-body).
    case incomplete
    case hashMismatch(expected: SHA256Value, computed: SHA256Value)
}
