import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TesseraStorage

/// A blob being received. Bytes are gathered into a 1 MiB aligned batch buffer taken from a pool; the
/// staging file is created only when the first batch fills, and every blocking call runs on the thread
/// pool, so the cooperative pool never waits on the disk. A blob of less than one batch (an EBS block, a
/// small part) reaches the disk in a single thread-pool call at commit, written with direct I/O from the
/// buffer it was received into (``DirectFileWrite``), and not at all when its content is already stored.
///
/// One task at a time writes to, commits or discards a staging (``BlobIngest`` does them in sequence).
actor FileBlobStaging: BlobStaging {
    let path: String
    private let threadPool: NIOThreadPool
    private let buffers: AlignedBufferPool
    private let freeSpace: FreeSpaceFloor?
    private var fd: Int32?
    /// The batch being filled, taken from `buffers` at the first byte and given back at the end.
    private var batch: AlignedBuffer?
    private var filled = 0
    private var written: Int64 = 0
    private var ended = false

    init(path: String, threadPool: NIOThreadPool, buffers: AlignedBufferPool = .shared, freeSpace: FreeSpaceFloor? = nil) {
        self.path = path
        self.threadPool = threadPool
        self.buffers = buffers
        self.freeSpace = freeSpace
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard !ended else { throw StorageError.backend("write to a staging that was already committed or discarded") }
        var rest = buffer
        while rest.readableBytes > 0 {
            let target = try batch ?? buffers.take()
            batch = target
            let count = min(rest.readableBytes, target.capacity - filled)
            let at = filled
            rest.readWithUnsafeReadableBytes { raw in
                if let source = raw.baseAddress { (target.base + at).copyMemory(from: source, byteCount: count) }
                return count
            }
            filled += count
            if filled == target.capacity { try await flush(target) }
        }
    }

    /// Nothing to do: the last batch is written by ``commit(to:directory:lock:)``, and only if the content is new.
    func finish() async throws {}

    /// Moves the bytes under `destination` durably (write the rest, fdatasync, rename, fsync the directory), or,
    /// when `destination` exists, marks it written and drops these bytes. The existence check with its
    /// touch, and the rename, run under `lock`, the lock a sweep's delete takes.
    func commit(to destination: String, directory: String, lock: NIOLock) async throws {
        guard !ended else { throw StorageError.backend("commit of a staging that was already committed or discarded") }
        ended = true
        let batch = self.batch, length = filled, fd = self.fd, path = self.path, freeSpace = self.freeSpace
        self.fd = nil
        defer { releaseBatch() }
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
            do {
                if let fd {
                    defer { POSIXFile.close(fd) }
                    try freeSpace?.checkContinuedWrite()
                    if let batch { try POSIXFile.writeAll(fd, batch.bytes(count: length), path: path) }
                    try POSIXFile.syncData(fd, path: path)
                } else {
                    try freeSpace?.checkContinuedWrite()
                    try DirectFileWrite.createDurable(path, from: batch, length: length)
                }
            } catch {
                try? POSIXFile.remove(path)
                throw error
            }
            try lock.withLock { try POSIXFile.move(path, to: destination) }
            try POSIXFile.syncDirectory(directory)
        }
    }

    func discard() async {
        guard !ended else { return }
        ended = true
        releaseBatch()
        guard let fd else { return }
        self.fd = nil
        let path = self.path
        try? await threadPool.runIfActive {
            POSIXFile.close(fd)
            try POSIXFile.remove(path)
        }
    }

    /// Writes a full batch through the page cache, creating the file on the first, and starts its writeback.
    private func flush(_ full: AlignedBuffer) async throws {
        let existing = fd, path = self.path, offset = written, length = filled, freeSpace = self.freeSpace
        let file = try await threadPool.runIfActive {
            // A file already open stays with the staging, which ``discard()`` closes and removes.
            try freeSpace?.checkContinuedWrite()
            let file = try existing ?? POSIXFile.openNew(path)
            do {
                try POSIXFile.writeAll(file, full.bytes(count: length), path: path)
            } catch {
                if existing == nil {
                    POSIXFile.close(file)
                    try? POSIXFile.remove(path)
                }
                throw error
            }
            POSIXFile.startWriteback(file, offset: offset, length: Int64(length))
            return file
        }
        fd = file
        written += Int64(length)
        filled = 0
    }

    private func releaseBatch() {
        if let batch { buffers.give(batch) }
        batch = nil
        filled = 0
    }

    deinit {
        if let fd { POSIXFile.close(fd) }
        if let batch { buffers.give(batch) }
    }
}
