import Crypto
import NIOCore
import NIOPosix
import TesseraCore
import TesseraStorage

/// Reads a committed blob in chunks, hashing every byte of it, and hands out the bytes of the requested
/// range. The last chunk handed out is held back until the whole blob has been hashed and matched its
/// digest; on a mismatch the reader throws instead, so a consumer never receives a complete body of
/// wrong bytes.
///
/// The next chunk is read while the consumer sends the one it was given, so the disk (or page cache) and the
/// socket work at once; the open file lives as long as the reader or a read in flight needs it.
actor VerifiedBlobReader: BlobReader {
    static let chunkSize = 1024 * 1024

    private let digest: SHA256Value
    private let file: OpenFile
    private let size: Int64
    private let range: Range<Int64>
    private let threadPool: NIOThreadPool
    private var offset: Int64 = 0
    private var hasher = SHA256()
    private var heldBack: ByteBuffer?
    private var prefetch: Task<ByteBuffer, any Error>?
    private var finished = false

    init(digest: SHA256Value, path: String, fd: Int32, size: Int64, range: Range<Int64>, threadPool: NIOThreadPool) {
        self.digest = digest
        self.file = OpenFile(fd: fd, path: path)
        self.size = size
        self.range = range
        self.threadPool = threadPool
    }

    /// The next chunk of the range, or nil at its end.
    func next() async throws -> ByteBuffer? {
        while !finished {
            if offset >= size {
                finished = true
                guard SHA256Value(bytes: Array(hasher.finalize())) == digest else { throw StorageError.corrupt(digest) }
                let last = heldBack
                heldBack = nil
                return last
            }
            let chunk: ByteBuffer
            if let pending = prefetch {
                prefetch = nil
                chunk = try await pending.value
            } else {
                chunk = try await Self.readChunk(file, at: offset, size: size, threadPool: threadPool)
            }
            let start = offset
            offset += Int64(chunk.readableBytes)
            if offset < size {
                let (file, at, size, pool) = (file, offset, size, threadPool)
                prefetch = Task { try await Self.readChunk(file, at: at, size: size, threadPool: pool) }
            }
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

    private static func readChunk(_ file: OpenFile, at offset: Int64, size: Int64, threadPool: NIOThreadPool) async throws -> ByteBuffer {
        let length = Int(min(Int64(chunkSize), size - offset))
        return try await threadPool.runIfActive {
            // A blob of at most one pooled buffer (an EBS block) is read whole, past the page cache.
            if offset == 0, let whole = try DirectFileRead.readWhole(file.fd, path: file.path, size: Int(size)) {
                return whole
            }
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { raw in
                try POSIXFile.readAt(file.fd, into: UnsafeMutableRawBufferPointer(rebasing: raw.prefix(length)), offset: offset, path: file.path)
            }
            guard got == length else { throw StorageError.backend("short read of \(file.path) at \(offset)") }
            return buffer
        }
    }

    deinit {
        prefetch?.cancel()
    }
}

/// An open file descriptor, closed when the last holder lets go (the reader, or a read still in flight).
final class OpenFile: Sendable {
    let fd: Int32
    let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        POSIXFile.close(fd)
    }
}
