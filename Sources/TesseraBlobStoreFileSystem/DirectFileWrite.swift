#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CTesseraLinux
import TesseraStorage

/// Writes a whole small file in one go, durably, without passing its bytes through the page cache.
///
/// On the project's machines the kernel's copy of a 512 KiB block into the page cache cost more CPU than
/// everything else a PutSnapshotBlock does (bench/README.md); with O_DIRECT the device reads the bytes
/// straight from the aligned buffer they were received into. Direct I/O needs the memory, the offset and
/// the length aligned, so the length is padded with zeros to ``AlignedBufferPool/alignment`` and the file
/// is cut back to its length afterwards. Where the file system or the platform has no direct I/O, the
/// same call writes through the page cache. Blocking: call it from a thread pool.
enum DirectFileWrite {
    /// Creates `path` (which must not exist) holding the first `length` bytes of `buffer`, and fdatasyncs
    /// it. The bytes of `buffer` past `length` are overwritten (zero padding). The caller makes the name
    /// durable (rename, directory fsync); on failure the file may exist, and the caller removes it.
    /// - Parameter openDirect: creates the file for direct writes, or answers -1 with `errno` set (tests
    ///   stand in a file system without direct I/O here).
    static func createDurable(_ path: String, from buffer: AlignedBuffer?, length: Int,
                              openDirect: (String) -> Int32 = { ctessera_open_new_direct($0) }) throws {
        let padded = AlignedBufferPool.padded(length)
        var fd: Int32 = -1
        if let buffer, padded <= buffer.capacity {
            fd = openDirect(path)
            if fd < 0 {
                // EINVAL: no direct I/O here (some kernels create the file before they refuse the flag).
                guard errno == EINVAL else { throw POSIXFile.failure("open", path) }
                try POSIXFile.remove(path)
            }
        }
        let direct = fd >= 0
        if !direct { fd = try POSIXFile.openNew(path) }
        defer { POSIXFile.close(fd) }
        if let buffer, direct {
            (buffer.base + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length)
            try writeDirect(fd, buffer.bytes(count: padded), length: length, path: path)
        } else if let buffer {
            try POSIXFile.writeAll(fd, buffer.bytes(count: length), path: path)
        }
        try POSIXFile.syncData(fd, path: path)
    }

    /// Writes `padded` (aligned, zero-padded) and cuts the file to `length`; falls back to a buffered write
    /// when the file system refuses direct writes.
    private static func writeDirect(_ fd: Int32, _ padded: UnsafeRawBufferPointer, length: Int, path: String) throws {
        guard let base = padded.baseAddress else { return }
        var offset = 0
        while offset < padded.count {
            let written = write(fd, base + offset, padded.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && errno == EINVAL && offset == 0 {
                // The file system took the open but refuses direct writes of this shape: write buffered.
                guard ctessera_clear_direct(fd) == 0 else { throw POSIXFile.failure("fcntl", path) }
                try POSIXFile.writeAll(fd, UnsafeRawBufferPointer(rebasing: padded[0..<length]), path: path)
                return
            }
            throw POSIXFile.failure("write", path, written == 0 ? EIO : errno)
        }
        if padded.count != length {
            guard ftruncate(fd, off_t(length)) == 0 else { throw POSIXFile.failure("ftruncate", path) }
        }
    }
}
