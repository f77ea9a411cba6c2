import NIOCore
import TesseraCore
import TesseraStorage

/// Small conveniences for putting bytes into, and getting them out of, any ``BlobStore``.
public enum BlobStoreHelpers {
    /// Stages `bytes` in writes of `chunkSizes` (cycled), finishes, and commits under their SHA-256.
    @discardableResult
    public static func put(_ bytes: [UInt8], into store: any BlobStore, chunkSizes: [Int] = [64 * 1024]) async throws -> SHA256Value {
        let staging = try await store.makeStaging()
        try await write(bytes, to: staging, chunkSizes: chunkSizes)
        try await staging.finish()
        let digest = SHA256Value.of(bytes)
        try await store.commit(staging, as: digest)
        return digest
    }

    /// Writes `bytes` to a staging area in pieces whose sizes cycle through `chunkSizes`.
    public static func write(_ bytes: [UInt8], to staging: any BlobStaging, chunkSizes: [Int]) async throws {
        let sizes = chunkSizes.filter { $0 > 0 }
        var offset = 0, turn = 0
        while offset < bytes.count {
            let size = sizes.isEmpty ? bytes.count : sizes[turn % sizes.count]
            let end = min(offset + size, bytes.count)
            var buffer = ByteBufferAllocator().buffer(capacity: end - offset)
            buffer.writeBytes(bytes[offset..<end])
            try await staging.write(buffer)
            offset = end
            turn += 1
        }
    }

    /// Every chunk a reader hands out, in order, until it ends or throws. The error, if any, is returned
    /// beside the chunks received before it.
    public static func drain(_ reader: any BlobReader) async -> (chunks: [[UInt8]], error: (any Error)?) {
        var chunks: [[UInt8]] = []
        do {
            while let buffer = try await reader.next() {
                chunks.append(Array(buffer.readableBytesView))
            }
            return (chunks, nil)
        } catch {
            return (chunks, error)
        }
    }

    /// The bytes of a read, throwing what the reader throws.
    public static func readAll(_ store: any BlobStore, _ digest: SHA256Value, range: Range<Int64>? = nil) async throws -> [UInt8] {
        let reader = try await store.read(digest, range: range)
        var out: [UInt8] = []
        while let buffer = try await reader.next() {
            out.append(contentsOf: buffer.readableBytesView)
        }
        return out
    }
}
