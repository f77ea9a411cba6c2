import TesseraStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The free space of the file system that holds a directory, and the floor below which the server stops
/// taking new bytes, so the disk never fills to the last block: SQLite needs room to record deletes, and
/// with 1 KiB-block file systems a write into a sparse part of its shared-memory file on a full disk kills
/// the process (docs/operating.md#disk-space).
///
/// A request that would store data is refused up front below `floor`; a write already under way goes on
/// until the free space falls below half of it, the margin the floor keeps for uploads admitted just before
/// it was reached.
public struct FreeSpaceFloor: Sendable {
    public let path: String
    /// Bytes that must stay free; 0 turns the floor off (the disk can then fill to the last block).
    public let floor: Int64

    public init(path: String, floor: Int64) {
        self.path = path
        self.floor = max(0, floor)
    }

    /// Bytes the server may still write there (`statvfs`: available blocks × fragment size; root may use the
    /// blocks ext4 reserves as well, so this is the conservative figure); nil when the file system cannot say.
    public func available() -> Int64? {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return nil }
        return Int64(status.f_bavail) * Int64(status.f_frsize)
    }

    /// Whether a new write may start: the free space is at or above the floor (or cannot be measured).
    public func admitsNewWrites() -> Bool {
        guard floor > 0, let free = available() else { return true }
        return free >= floor
    }

    /// Throws ``StorageError/outOfSpace(_:)`` when a write under way must stop: the free space is below half the floor.
    func checkContinuedWrite() throws {
        guard floor > 0, let free = available(), free < floor / 2 else { return }
        throw StorageError.outOfSpace("\(free) bytes free under \(path), below half the free-space floor of \(floor)")
    }
}
