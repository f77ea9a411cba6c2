#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Gives SQLite's WAL index (the `-shm` file beside the database) real disk blocks before it is used.
///
/// SQLite grows that file by writing one byte at the end of each 4 KiB page and then writes the rest through
/// a memory map. On a file system with smaller blocks (ext4 with 1 KiB blocks, the default for small volumes)
/// the rest of each page stays a hole; on a full disk, filling a hole through the map cannot fail politely and
/// the kernel kills the process with SIGBUS. Allocating the file up front (4 MiB covers a WAL of about 2 GiB;
/// the database checkpoints long before) turns every later write into a write to an allocated block.
///
/// The descriptor stays open until ``release()``: closing any descriptor of a file drops every POSIX lock the
/// process holds on it, SQLite's included, so it may only be closed after SQLite's connections.
final class SharedMemoryPreallocation: Sendable {
    static let size: Int64 = 4 << 20
    private let descriptor: Int32?

    /// Allocates `<database>-shm`; when it cannot (no such file: not in WAL mode; no space), logs why and holds nothing.
    init(databasePath: String, logger: Logger) {
        let path = databasePath + "-shm"
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            descriptor = nil
            return
        }
        let result = posix_fallocate(fd, 0, off_t(Self.size))
        if result != 0 {
            logger.warning("cannot allocate SQLite's shared-memory file; keep free space on this disk",
                           metadata: ["tessera.path": .string(path), "tessera.error": .string(String(cString: strerror(result)))])
        }
        descriptor = fd
    }

    func release() {
        if let descriptor { _ = close(descriptor) }
    }
}
