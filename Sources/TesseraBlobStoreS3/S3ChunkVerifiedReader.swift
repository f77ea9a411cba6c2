import AsyncHTTPClient
import Crypto
import NIOCore
import TesseraCore
import TesseraStorage

/// Streams part of a blob from S3: the whole 1 MiB chunks that cover the requested range, each checked against
/// its SHA-256 from the blob's chunk list before any of its bytes is handed out, so a ranged read fetches about
/// the range (at most a chunk more at either end) and never hands out a wrong byte. Holds one chunk at a time.
actor S3ChunkVerifiedReader: BlobReader {
    private let body: S3TimedBody
    private let key: String
    private let digest: SHA256Value
    private let chunkList: [UInt8]
    private let size: Int64
    /// The chunk-aligned bytes fetched, and within them the ones handed out.
    private let fetched: Range<Int64>
    private let range: Range<Int64>
    private var position: Int64
    private var pending = ByteBuffer()

    init(key: String, body: S3TimedBody, digest: SHA256Value, chunkList: [UInt8], size: Int64,
         fetched: Range<Int64>, range: Range<Int64>) {
        self.body = body
        self.key = key
        self.digest = digest
        self.chunkList = chunkList
        self.size = size
        self.fetched = fetched
        self.range = range
        self.position = fetched.lowerBound
    }

    func next() async throws -> ByteBuffer? {
        while position < fetched.upperBound {
            let chunkSize = Int64(ChunkHashes.chunkSize)
            let index = Int(position / chunkSize)
            let end = min(position + chunkSize, size)
            let need = Int(end - position)
            while pending.readableBytes < need {
                guard var piece = try await body.next() else { throw StorageError.corrupt(digest) }
                pending.writeBuffer(&piece)
            }
            guard let chunk = pending.readSlice(length: need) else { throw StorageError.corrupt(digest) }
            pending.discardReadBytes()
            let expected = chunkList[(index * 32)..<(index * 32 + 32)]
            let actual = chunk.withUnsafeReadableBytes { Array(SHA256.hash(data: $0)) }
            guard actual.elementsEqual(expected) else { throw StorageError.corrupt(digest) }
            let start = position
            position = end
            let lower = max(start, range.lowerBound), upper = min(end, range.upperBound)
            if lower < upper {
                return chunk.getSlice(at: chunk.readerIndex + Int(lower - start), length: Int(upper - lower))
            }
        }
        return nil
    }
}
