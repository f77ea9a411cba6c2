import Crypto
import NIOCore
import NIOPosix
import TesseraCore
import TesseraStorage

/// Reads a committed blob in chunks, hashing every byte of it, and hands out the bytes of the requested
/// range. The last chunk handed out is held back until the whole blob has been hashed and matched its
/// digest; on a mismatch the reader throws instead, so a consumer never receives a complete body of
/// wrong bytes.
actor VerifiedBlobReader: BlobReader {
    static let chunkSize = 256 * 1024

    private let digest: SHA256Value
    private let path: String
    private let fd: Int32
    private let size: Int64
    private let range: Range<Int64>
    private let threadPool: NIOThreadPool
    private var offset: Int64 = 0
    private var hasher = SHA256()
    private var heldBack: ByteBuffer?
    private var finished = false

    init(digest: SHA256Value, path: String, fd: Int32, size: Int64, range: Range<Int64>, threadPool: NIOThreadPool) {
        self.digest = digest
        self.path = path
        self.fd = fd
        self.size = size
        self.range = range
        self.threadPool = threadPool
    }

    /// The next chunk of the range, or nil at its end.
    func next() async throws -> ByteBuffer? {
        while !finished {
            if offset >= size {
                finished = true
                POSIXFile.close(fd)
                guard SHA256Value(bytes: Array(hasher.finalize())) == digest else { throw StorageError.corrupt(digest) }
                let last = heldBack
                heldBack = nil
                return last
            }
            let chunk = try await readChunk()
            let start = offset
            offset += Int64(chunk.readableBytes)
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            let lower = max(start, range.lowerBound), upper = min(offset, range.upperBound)
            guard lower < upper else { continue }
            let slice = chunk.getSlice(at: chunk.readerIndex + Int(lower - start), length: Int(upper - lower))
            let previous = heldBack
            heldBack = slice
            if let previous { return previous }
        }
        return nil
    }

    private func readChunk() async throws -> ByteBuffer {
        let length = Int(min(Int64(Self.chunkSize), size - offset))
        let fd = self.fd, path = self.path, at = self.offset, size = self.size
        return try await threadPool.runIfActive {
            // A blob of at most one pooled buffer (an EBS block) is read whole, past the page cache.
            if at == 0, let whole = try DirectFileRead.readWhole(fd, path: path, size: Int(size)) {
                return whole
            }
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
                try POSIXFile.readAt(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(length)), offset: at, path: path)
            }
            guard got == length else { throw StorageError.backend("short read of \(path) at \(at)") }
            return buffer
        }
    }

    deinit {
        if !finished { POSIXFile.close(fd) }
    }
}
