import Crypto
import NIOCore
import TesseraCore

/// The SHA-256 of each 1 MiB chunk of a blob (the last may be shorter), computed as the bytes pass by. Kept
/// beside a blob of more than one chunk, they let a ranged read fetch and verify only the chunks it covers
/// (docs/s3-blobs.md#reads).
struct ChunkHashes {
    static let chunkSize = 1 << 20

    private var hasher = SHA256()
    private var filled = 0
    /// The finished chunks' digests, 32 bytes each, in order.
    private(set) var list: [UInt8] = []

    mutating func update(_ buffer: ByteBuffer) {
        var rest = buffer
        while rest.readableBytes > 0 {
            let count = min(rest.readableBytes, Self.chunkSize - filled)
            rest.readSlice(length: count)?.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            filled += count
            if filled == Self.chunkSize { endChunk() }
        }
    }

    /// The list, the last partial chunk included.
    mutating func finish() -> [UInt8] {
        if filled > 0 { endChunk() }
        return list
    }

    private mutating func endChunk() {
        list.append(contentsOf: hasher.finalize())
        hasher = SHA256()
        filled = 0
    }

    /// The name of the object metadata that holds the SHA-256 of a blob's chunk list.
    static let metadataName = "tessera-chunk-list-sha256"
}
