import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TesseraCore
import TesseraStorage

/// A ``BlobStore`` in a local directory: stage to a temporary file while the caller hashes, fsync, rename
/// under the digest, fsync the directory. See ``BlobDirectoryLayout`` for the layout.
public struct FileSystemBlobStore: BlobStore {
    let layout: BlobDirectoryLayout
    let threadPool: NIOThreadPool
    /// Orders a commit that finds its blob already stored against a sweep deleting it.
    let commitOrDeleteLock = NIOLock()
    /// The free space stagings keep: a write under way stops with ``StorageError/outOfSpace(_:)`` below half of it.
    public let freeSpace: FreeSpaceFloor

    /// Opens (creating if needed) a store rooted at `root`, and removes staging files left by a crash.
    /// - Parameter minimumFreeSpace: the floor of ``FreeSpaceFloor`` (0: none).
    public init(root: String, threadPool: NIOThreadPool = .singleton, minimumFreeSpace: Int64 = 0) async throws {
        self.layout = BlobDirectoryLayout(root: root)
        self.threadPool = threadPool
        self.freeSpace = FreeSpaceFloor(path: root, floor: minimumFreeSpace)
        let layout = self.layout
        try await threadPool.runIfActive {
            try POSIXFile.makeDirectories(layout.blobsDirectory)
            try POSIXFile.makeDirectories(layout.stagingDirectory)
            for shard in layout.shardDirectories where !POSIXFile.exists(shard) {
                try POSIXFile.makeDirectories(shard)
            }
            try POSIXFile.syncDirectory(layout.blobsDirectory)
            try POSIXFile.syncDirectory(layout.root)
            for name in try POSIXFile.list(layout.stagingDirectory) {
                try POSIXFile.remove(layout.stagingDirectory + "/" + name)
            }
        }
    }

    public func makeStaging() async throws -> any BlobStaging {
        FileBlobStaging(path: layout.newStagingPath(), threadPool: threadPool, freeSpace: freeSpace)
    }

    public func commit(_ staging: any BlobStaging, as digest: SHA256Value) async throws {
        guard let file = staging as? FileBlobStaging else {
            throw StorageError.backend("staging from another store committed to \(layout.root)")
        }
        try await file.commit(to: layout.path(for: digest), directory: layout.shardDirectory(for: digest), lock: commitOrDeleteLock)
    }

    public func size(of digest: SHA256Value) async throws -> Int64? {
        let path = layout.path(for: digest)
        return try await threadPool.runIfActive { try POSIXFile.size(of: path) }
    }

    public func read(_ digest: SHA256Value, range: Range<Int64>?) async throws -> any BlobReader {
        let path = layout.path(for: digest)
        let opened: (Int32, Int64)? = try await threadPool.runIfActive {
            guard let fd = try POSIXFile.openRead(path) else { return nil }
            do {
                return (fd, try POSIXFile.size(ofDescriptor: fd, path: path))
            } catch {
                POSIXFile.close(fd)
                throw error
            }
        }
        guard let (fd, size) = opened else { throw StorageError.notFound("blob \(digest.hex)") }
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.upperBound <= size else {
            POSIXFile.close(fd)
            throw StorageError.backend("range \(wanted) outside blob \(digest.hex) of \(size) bytes")
        }
        return VerifiedBlobReader(digest: digest, path: path, fd: fd, size: size, range: wanted, threadPool: threadPool)
    }

    public func delete(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        try await delete([digest], ifUnwrittenSince: cutoff).contains(digest)
    }

    /// All of them on one trip to the thread pool (a sweep's page of a thousand blobs cost a thousand trips),
    /// each under the lock that orders it with commits, taken and released per blob so commits go on between.
    public func delete(_ digests: [SHA256Value], ifUnwrittenSince cutoff: Date) async throws -> Set<SHA256Value> {
        let (layout, lock) = (layout, commitOrDeleteLock)
        return try await threadPool.runIfActive {
            var removed: Set<SHA256Value> = []
            for digest in digests {
                let path = layout.path(for: digest)
                let gone = try lock.withLock {
                    guard let written = try POSIXFile.modificationTime(of: path), written < cutoff else { return false }
                    try POSIXFile.remove(path)
                    return true
                }
                if gone { removed.insert(digest) }
            }
            return removed
        }
    }

    /// Reads shard directories in order from the one `after` falls in, each listed whole (a 256th of the store),
    /// until the page is full.
    public func listBlobs(after: SHA256Value?, limit: Int) async throws -> [StoredBlob] {
        let layout = layout
        return try await threadPool.runIfActive {
            var found: [StoredBlob] = []
            let firstShard = after.map { Int($0.bytes[0]) } ?? 0
            for shard in layout.shardDirectories[firstShard...] {
                let digests = try POSIXFile.list(shard).compactMap { SHA256Value(hex: $0) }
                    .filter { digest in after.map { digest > $0 } ?? true }.sorted()
                for digest in digests {
                    guard found.count < limit else { return found }
                    // A blob deleted since the directory was read is left out.
                    guard let status = try POSIXFile.modificationTimeAndSize(of: layout.path(for: digest)) else { continue }
                    found.append(StoredBlob(digest: digest, lastWritten: status.modified, size: status.size))
                }
                if found.count >= limit { return found }
            }
            return found
        }
    }
}
