import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TesseraStorage

/// A blob being received. Bytes are gathered into 1 MiB batches; the staging file is created only when
/// the first batch fills, and every blocking call runs on the thread pool, so the cooperative pool never
/// waits on the disk. A blob of at most one batch (an EBS block, a small part) reaches the disk in a
/// single thread-pool call at commit, and not at all when its content is already stored.
actor FileBlobStaging: BlobStaging {
    static let batchSize = 1 << 20

    let path: String
    private let threadPool: NIOThreadPool
    private var fd: Int32?
    private var pending: ByteBuffer
    private var written: Int64 = 0
    private var ended = false

    init(path: String, threadPool: NIOThreadPool) {
        self.path = path
        self.threadPool = threadPool
        self.pending = ByteBufferAllocator().buffer(capacity: Self.batchSize)
    }

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        pending.writeBuffer(&buffer)
        if pending.readableBytes >= Self.batchSize { try await flush() }
    }

    /// Nothing to do: the last batch is written by ``commit(to:directory:lock:)``, and only if the content is new.
    func finish() async throws {}

    /// Moves the bytes under `destination` durably (write the rest, fdatasync, rename, fsync the directory), or,
    /// when `destination` exists, marks it written and drops these bytes. The existence check with its
    /// touch, and the rename, run under `lock`, the lock a sweep's delete takes.
    func commit(to destination: String, directory: String, lock: NIOLock) async throws {
        guard !ended else { throw StorageError.backend("commit of a staging that was already committed or discarded") }
        ended = true
        let batch = pending, fd = self.fd, path = self.path
        pending = ByteBuffer()
        self.fd = nil
        try await threadPool.runIfActive {
            let stored = try lock.withLock {
                guard POSIXFile.exists(destination) else { return false }
                try POSIXFile.touch(destination)
                return true
            }
            if stored {
                if let fd {
                    POSIXFile.close(fd)
                    try POSIXFile.remove(path)
                }
                return
            }
            let file = try fd ?? POSIXFile.openNew(path)
            do {
                try batch.withUnsafeReadableBytes { try POSIXFile.writeAll(file, $0, path: path) }
                try POSIXFile.syncData(file, path: path)
            } catch {
                POSIXFile.close(file)
                try? POSIXFile.remove(path)
                throw error
            }
            POSIXFile.close(file)
            try lock.withLock { try POSIXFile.move(path, to: destination) }
            try POSIXFile.syncDirectory(directory)
        }
    }

    func discard() async {
        guard !ended else { return }
        ended = true
        pending = ByteBuffer()
        guard let fd else { return }
        self.fd = nil
        let path = self.path
        try? await threadPool.runIfActive {
            POSIXFile.close(fd)
            try POSIXFile.remove(path)
        }
    }

    /// Writes a full batch, creating the file on the first, and starts its writeback.
    private func flush() async throws {
        let batch = pending, existing = fd, path = self.path, offset = written
        pending = ByteBufferAllocator().buffer(capacity: Self.batchSize)
        let file = try await threadPool.runIfActive {
            let file = try existing ?? POSIXFile.openNew(path)
            try batch.withUnsafeReadableBytes { try POSIXFile.writeAll(file, $0, path: path) }
            POSIXFile.startWriteback(file, offset: offset, length: Int64(batch.readableBytes))
            return file
        }
        fd = file
        written += Int64(batch.readableBytes)
    }

    deinit {
        if let fd { POSIXFile.close(fd) }
    }
}
