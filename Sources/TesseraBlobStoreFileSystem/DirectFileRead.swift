#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CTesseraLinux
import NIOCore
import TesseraStorage

/// Reads a whole small file in one request to the device, past the page cache, into a ByteBuffer.
///
/// perf showed the kernel's copy out of freshly read page-cache pages at ~45 % of the server's CPU under
/// GetSnapshotBlock on the project's machines; reading with O_DIRECT into a pooled aligned buffer and
/// copying that once costs far less. Returns nil where the file system has no direct I/O, so the caller
/// reads through the page cache. Blocking: call it from a thread pool.
enum DirectFileRead {
    static func readWhole(_ path: String, size: Int, buffers: AlignedBufferPool = .shared) throws -> ByteBuffer? {
        let alignment = AlignedBufferPool.alignment
        let padded = (size + alignment - 1) / alignment * alignment
        guard padded <= buffers.bufferSize else { return nil }
        let fd = ctessera_open_read_direct(path)
        guard fd >= 0 else {
            if errno == EINVAL { return nil }
            throw POSIXFile.failure("open", path)
        }
        defer { POSIXFile.close(fd) }
        let aligned = try buffers.take()
        defer { buffers.give(aligned) }
        var filled = 0
        while filled < size {
            let got = pread(fd, aligned.base + filled, padded - filled, off_t(filled))
            if got < 0 && errno == EINTR { continue }
            if got < 0 && errno == EINVAL && filled == 0 { return nil }
            if got < 0 { throw POSIXFile.failure("pread", path) }
            if got == 0 { break }
            filled += got
        }
        guard filled >= size else { throw StorageError.backend("short read of \(path): \(filled) of \(size) bytes") }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeBytes(aligned.bytes(count: size))
        return buffer
    }
}
