#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import TesseraBlobStoreFileSystem

/// A file of allocated blocks kept in the data directory (`free-space-reserve`) and given back to the file
/// system when the disk is full, whoever filled it: it is what lets SQLite open its files and record deletes,
/// and the sweep run, on a disk something else has filled to the last block (docs/operating.md#disk-space).
///
/// Released before the stores open (so they always start with that much room, if the reserve existed) and
/// whenever the free space falls under the reserve's size; made again once the free space is above the floor
/// plus the reserve.
struct FreeSpaceReserve: Sendable {
    static let fileName = "free-space-reserve"
    let path: String
    let size: Int64

    /// The reserve of a data directory: a quarter of the floor, at most 16 MiB; none without a floor.
    init(dataDirectory: String, floor: Int64) {
        path = dataDirectory + "/" + Self.fileName
        size = min(16 << 20, max(0, floor) / 4)
    }

    /// Gives the reserve's blocks back; says whether there was one.
    @discardableResult
    func release(logger: Logger, reason: String) -> Bool {
        guard unlink(path) == 0 else { return false }
        logger.warning("free-space reserve released", metadata: ["tessera.reason": .string(reason), "tessera.bytes": "\(size)"])
        return true
    }

    /// Makes the reserve when it is missing and `space` has room for it above its floor.
    func restore(_ space: FreeSpaceFloor, logger: Logger) {
        guard size > 0, access(path, F_OK) != 0, let free = space.available(), free >= space.floor + size else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let result = posix_fallocate(fd, 0, off_t(size))
        close(fd)
        if result != 0 {
            unlink(path)
            logger.warning("cannot make the free-space reserve", metadata: ["tessera.error": .string(String(cString: strerror(result)))])
        }
    }
}
