import NIOCore
import NIOPosix
import TesseraStorage

/// A blob being received into a staging file. Bytes are gathered into 1 MiB batches and written on the
/// thread pool, so the cooperative pool never blocks on the disk.
actor FileBlobStaging: BlobStaging {
    static let batchSize = 1 << 20

    let path: String
    private let fd: Int32
    private let threadPool: NIOThreadPool
    private var pending: ByteBuffer
    private var written: Int64 = 0
    private var closed = false

    init(path: String, fd: Int32, threadPool: NIOThreadPool) {
        self.path = path
        self.fd = fd
        self.threadPool = threadPool
        self.pending = ByteBufferAllocator().buffer(capacity: Self.batchSize)
    }

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        if pending.readableBytes + buffer.readableBytes < Self.batchSize {
            pending.writeBuffer(&buffer)
            return
        }
        pending.writeBuffer(&buffer)
        try await flush()
    }

    /// Writes what is still buffered. The fsync waits for ``syncAndClose()``, which the store calls only
    /// when the bytes are new: content already stored is never forced to disk a second time.
    func finish() async throws {
        try await flush()
    }

    /// Makes the written bytes durable and closes the file.
    func syncAndClose() async throws {
        let fd = self.fd, path = self.path
        try await threadPool.runIfActive { try POSIXFile.sync(fd, path: path) }
        closeOnce()
    }

    func discard() async {
        closeOnce()
        let path = self.path
        try? await threadPool.runIfActive { try POSIXFile.remove(path) }
    }

    private func flush() async throws {
        guard pending.readableBytes > 0 else { return }
        let batch = pending
        let fd = self.fd, path = self.path, offset = written
        try await threadPool.runIfActive {
            try batch.withUnsafeReadableBytes { try POSIXFile.writeAll(fd, $0, path: path) }
            POSIXFile.startWriteback(fd, offset: offset, length: Int64(batch.readableBytes))
        }
        written += Int64(batch.readableBytes)
        pending.clear()
    }

    private func closeOnce() {
        if !closed {
            closed = true
            POSIXFile.close(fd)
        }
    }

    deinit {
        if !closed { POSIXFile.close(fd) }
    }
}
