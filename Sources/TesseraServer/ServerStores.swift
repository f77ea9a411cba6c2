import Foundation
import Logging
import NIOPosix
import TesseraBlobStoreFileSystem
import TesseraCore
import TesseraMetadataPostgres
import TesseraMetadataSQL
import TesseraMetadataSQLite
import TesseraStorage

/// Threads for blob file I/O, apart from the shared pool SQLite uses. Writes block in fsync for about a
/// millisecond each, so concurrent uploads need more threads than cores to keep the disk busy.
let blobThreadPool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 16)
    pool.start()
    return pool
}()

/// The stores of one data directory: `metadata.sqlite` and `blobs/` (see docs/data-directory.md).
public struct ServerStores: Sendable {
    public let metadata: SQLMetadataStore
    public let blobs: FileSystemBlobStore
    /// The key that signs EBS block tokens (`block-token.key`, made on first start).
    public let blockTokenKey: [UInt8]
    /// The key that signs registry passwords and layer download URLs (`registry-token.key`, made on first start).
    public let registryTokenKey: [UInt8]
    /// The data directory's free space and the floor below which new data is refused.
    public let freeSpace: FreeSpaceFloor
    let reserve: FreeSpaceReserve

    /// Opens the stores, creating the directory on first use. The free-space reserve is released first, so
    /// SQLite can open (and recover) its files even on a disk something else has filled, and made again
    /// afterwards if there is room.
    /// - Parameter minimumFreeSpace: the free-space floor in bytes (0: none).
    public static func open(dataDirectory: String, metadata location: MetadataLocation = .sqlite, minimumFreeSpace: Int64 = 0,
                            logger: Logger) async throws -> ServerStores {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let space = FreeSpaceFloor(path: dataDirectory, floor: minimumFreeSpace)
        let reserve = FreeSpaceReserve(dataDirectory: dataDirectory, floor: minimumFreeSpace)
        if let free = space.available(), free < reserve.size {
            reserve.release(logger: logger, reason: "the disk is full at startup")
        }
        if let free = space.available(), !space.admitsNewWrites() {
            logger.warning("the data directory's disk is below the free-space floor: new data is refused until space is freed",
                           metadata: ["tessera.free_bytes": "\(free)", "tessera.floor_bytes": "\(space.floor)"])
        }
        let metadata = try await openMetadata(location, dataDirectory: dataDirectory, logger: logger)
        let blobs = try await FileSystemBlobStore(root: dataDirectory + "/blobs", threadPool: blobThreadPool,
                                                  minimumFreeSpace: minimumFreeSpace)
        let key = try loadOrMakeKey(at: dataDirectory + "/block-token.key")
        let registryKey = try loadOrMakeKey(at: dataDirectory + "/registry-token.key")
        reserve.restore(space, logger: logger)
        return ServerStores(metadata: metadata, blobs: blobs, blockTokenKey: key, registryTokenKey: registryKey,
                            freeSpace: space, reserve: reserve)
    }

    static func openMetadata(_ location: MetadataLocation, dataDirectory: String, logger: Logger) async throws -> SQLMetadataStore {
        switch location {
        case .sqlite:
            return try await SQLMetadataStore.sqlite(path: dataDirectory + "/metadata.sqlite", logger: logger)
        case .postgres(let url):
            do {
                return try await SQLMetadataStore.postgres(url, logger: logger)
            } catch let error as StorageError {
                throw ConfigurationError("cannot use the metadata database \(url): \(error)")
            }
        }
    }

    /// Reads a 32-byte hex key, making and keeping a random one on first use.
    static func loadOrMakeKey(at path: String) throws -> [UInt8] {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count >= 32 else {
                throw ConfigurationError("\(path) does not hold a hex key of at least 32 bytes")
            }
            return key
        }
        let hex = RandomID.hex(byteCount: 32)
        do {
            try (hex + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            _ = chmod(path, 0o600)
        } catch {
            throw ConfigurationError("cannot write \(path): \(error)")
        }
        return Hex.decode(hex) ?? []
    }
}
