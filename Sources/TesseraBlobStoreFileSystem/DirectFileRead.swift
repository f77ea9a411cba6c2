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
    /// Reads all `size` bytes of the file open as `fd` (at its start), switching it to direct I/O; nil when
    /// the blob does not fit a pooled buffer or the file system has no direct I/O (`fd` is then unchanged).
    static func readWhole(_ fd: Int32, path: String, size: Int, buffers: AlignedBufferPool = .shared) throws -> ByteBuffer? {
        let padded = AlignedBufferPool.padded(size)
        guard padded <= buffers.bufferSize else { return nil }
        guard ctessera_set_direct(fd) == 0 else {
            if errno == EINVAL { return nil }
            throw POSIXFile.failure("fcntl", path)
        }
        let aligned = try buffers.take()
        defer { buffers.give(aligned) }
        var filled = 0
        while filled < size {
            let got = pread(fd, aligned.base + filled, padded - filled, off_t(filled))
            if got < 0 && errno == EINTR { continue }
            if got < 0 && errno == EINVAL && filled == 0 {
                // The file system took the flag but refuses direct reads: hand the descriptor back buffered.
                guard ctessera_clear_direct(fd) == 0 else { throw POSIXFile.failure("fcntl", path) }
                return nil
            }
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
