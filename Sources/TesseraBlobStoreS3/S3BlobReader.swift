import AsyncHTTPClient
import NIOCore
import TesseraCore
import TesseraStorage

/// Streams a blob from S3 as it arrives, hashing every byte and handing out the bytes of the requested range,
/// the last held back until the digest matched (``DigestCheckedRange``). Chunks are pulled from the response
/// only when the consumer asks, so a slow consumer slows the download instead of filling memory.
actor S3BlobReader: BlobReader {
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var check: DigestCheckedRange
    private let key: String
    private var finished = false

    init(key: String, body: HTTPClientResponse.Body, digest: SHA256Value, size: Int64, range: Range<Int64>) {
        self.key = key
        self.body = body.makeAsyncIterator()
        self.check = DigestCheckedRange(digest: digest, size: size, range: range)
    }

    func next() async throws -> ByteBuffer? {
        while !finished {
            var iterator = body
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next(isolation: #isolation)
            } catch {
                finished = true
                throw StorageError.backend("S3 GetObject \(key): the download broke off: \(error)")
            }
            body = iterator
            guard let chunk else {
                finished = true
                return try check.finish()
            }
            if let ready = try check.take(chunk) { return ready }
        }
        return nil
    }
}
