import AsyncHTTPClient
import NIOCore
import TesseraCore
import TesseraStorage

/// Streams a blob from S3 as it arrives, hashing every byte and handing out the bytes of the requested range,
/// the last held back until the digest matched (``DigestCheckedRange``). Chunks are pulled from the response
/// only when the consumer asks, so a slow consumer slows the download instead of filling memory.
actor S3BlobReader: BlobReader {
    private let body: S3TimedBody
    private var check: DigestCheckedRange
    private let key: String
    private var finished = false

    init(key: String, body: S3TimedBody, digest: SHA256Value, size: Int64, range: Range<Int64>) {
        self.key = key
        self.body = body
        self.check = DigestCheckedRange(digest: digest, size: size, range: range)
    }

    func next() async throws -> ByteBuffer? {
        while !finished {
            let chunk: ByteBuffer?
            do {
                chunk = try await body.next()
            } catch {
                finished = true
                throw error
            }
            guard let chunk else {
                finished = true
                return try check.finish()
            }
            if let ready = try check.take(chunk) { return ready }
        }
        return nil
    }
}
