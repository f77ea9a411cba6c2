import Foundation
import Logging
import NIOPosix
import TesseraBlobStoreFileSystem
import TesseraBlobStoreS3
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

/// The stores of one server: by default `metadata.sqlite` and `blobs/` in its data directory (see
/// docs/data-directory.md), or a PostgreSQL database and an S3 bucket shared with the other nodes of a cluster.
public struct ServerStores: Sendable {
    public let metadata: SQLMetadataStore
    public let blobs: any BlobStore
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
    public static func open(dataDirectory: String, metadata location: MetadataLocation = .sqlite,
                            blobs blobLocation: BlobLocation = .dataDirectory, minimumFreeSpace: Int64 = 0,
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
        let blobs = try await openBlobs(blobLocation, dataDirectory: dataDirectory, ledger: metadata, minimumFreeSpace: minimumFreeSpace)
        let key = try await signingKey("block-token", dataDirectory: dataDirectory, metadata: location, store: metadata)
        let registryKey = try await signingKey("registry-token", dataDirectory: dataDirectory, metadata: location, store: metadata)
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

    static func openBlobs(_ location: BlobLocation, dataDirectory: String, ledger: SQLMetadataStore,
                          minimumFreeSpace: Int64) async throws -> any BlobStore {
        switch location {
        case .dataDirectory:
            return try await FileSystemBlobStore(root: dataDirectory + "/blobs", threadPool: blobThreadPool,
                                                 minimumFreeSpace: minimumFreeSpace)
        case .s3(let s3):
            do {
                return try await S3BlobStore(location: s3, ledger: ledger)
            } catch let error as StorageError {
                throw ConfigurationError("cannot use the blob store \(s3.description) at \(s3.endpoint.absoluteString): \(error)")
            }
        }
    }

    /// A key that signs tokens: with SQLite, `NAME.key` in the data directory (made on first start); with
    /// PostgreSQL, the one in the database that every node shares, which the first node to start stores (its
    /// `NAME.key` if it has one, so tokens it handed out before stay valid; else a new random key).
    static func signingKey(_ name: String, dataDirectory: String, metadata location: MetadataLocation,
                           store: SQLMetadataStore) async throws -> [UInt8] {
        let path = dataDirectory + "/\(name).key"
        guard case .postgres = location else { return try loadOrMakeKey(at: path) }
        let local = try readKey(at: path).map { Hex.encode($0) }
        let shared = try await store.sharedKey(named: name, proposing: local ?? RandomID.hex(byteCount: 32))
        guard let key = Hex.decode(shared), key.count >= 32 else {
            throw ConfigurationError("the metadata database's \(name) key is not a hex key of at least 32 bytes")
        }
        return key
    }

    /// The key in `path`, or nil when there is no such file.
    static func readKey(at path: String) throws -> [UInt8]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        guard let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count >= 32 else {
            throw ConfigurationError("\(path) does not hold a hex key of at least 32 bytes")
        }
        return key
    }

    /// Reads a 32-byte hex key, making and keeping a random one on first use.
    static func loadOrMakeKey(at path: String) throws -> [UInt8] {
        if let key = try readKey(at: path) { return key }
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
