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

    private let file: OpenFile
    private let size: Int64
    private let threadPool: NIOThreadPool
    private var check: DigestCheckedRange
    private var prefetch: Task<ByteBuffer, any Error>?
    private var finished = false

    init(digest: SHA256Value, path: String, fd: Int32, size: Int64, range: Range<Int64>, threadPool: NIOThreadPool) {
        self.file = OpenFile(fd: fd, path: path)
        self.size = size
        self.threadPool = threadPool
        self.check = DigestCheckedRange(digest: digest, size: size, range: range)
    }

    /// The next chunk of the range, or nil at its end.
    func next() async throws -> ByteBuffer? {
        while !finished {
            let offset = check.consumed
            if offset >= size {
                finished = true
                return try check.finish()
            }
            let chunk: ByteBuffer
            if let pending = prefetch {
                prefetch = nil
                chunk = try await pending.value
            } else {
                chunk = try await Self.readChunk(file, at: offset, size: size, threadPool: threadPool)
            }
            let following = offset + Int64(chunk.readableBytes)
            if following < size {
                let (file, size, pool) = (file, size, threadPool)
                prefetch = Task { try await Self.readChunk(file, at: following, size: size, threadPool: pool) }
            }
            if let ready = try check.take(chunk) { return ready }
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
