import Crypto
import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

/// A ``BlobStore`` held in memory, with the same contract as the file-system store: staged writes that
/// must be finished before they are committed, dedup on commit, and reads that verify the digest as they
/// stream and hold back their final chunk until it matched. Test-only hooks corrupt a blob and count
/// staging areas that were neither committed nor discarded.
public actor InMemoryBlobStore: BlobStore {
    /// Reads hand out chunks of this size, as the file-system store does.
    public static let readChunkSize = 256 * 1024

    private var blobs: [SHA256Value: [UInt8]] = [:]
    private var lastWritten: [SHA256Value: Date] = [:]
    private var openStagings: Set<ObjectIdentifier> = []

    public init() {}

    public func makeStaging() async throws -> any BlobStaging {
        let staging = InMemoryBlobStaging(store: self)
        openStagings.insert(ObjectIdentifier(staging))
        return staging
    }

    public func commit(_ staging: any BlobStaging, as digest: SHA256Value) async throws {
        guard let staging = staging as? InMemoryBlobStaging, staging.store === self else {
            throw StorageError.backend("staging from another store committed to an in-memory store")
        }
        let bytes = try await staging.take()
        openStagings.remove(ObjectIdentifier(staging))
        if blobs[digest] == nil { blobs[digest] = bytes }
        lastWritten[digest] = Date()
    }

    public func size(of digest: SHA256Value) async throws -> Int64? {
        blobs[digest].map { Int64($0.count) }
    }

    public func read(_ digest: SHA256Value, range: Range<Int64>?) async throws -> any BlobReader {
        guard let bytes = blobs[digest] else { throw StorageError.notFound("blob \(digest.hex)") }
        let size = Int64(bytes.count)
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.upperBound <= size else {
            throw StorageError.backend("range \(wanted) outside blob \(digest.hex) of \(size) bytes")
        }
        return InMemoryBlobReader(digest: digest, bytes: bytes, range: Int(wanted.lowerBound)..<Int(wanted.upperBound))
    }

    public func delete(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        guard let written = lastWritten[digest], written < cutoff else { return false }
        blobs[digest] = nil
        lastWritten[digest] = nil
        return true
    }

    public func listBlobs(after: SHA256Value?, limit: Int) async throws -> [StoredBlob] {
        blobs.keys.filter { digest in after.map { digest > $0 } ?? true }.sorted().prefix(limit).compactMap { digest in
            guard let bytes = blobs[digest], let written = lastWritten[digest] else { return nil }
            return StoredBlob(digest: digest, lastWritten: written, size: Int64(bytes.count))
        }
    }

    // MARK: test hooks

    /// Changes a stored blob behind the store's back (flips one byte; an empty blob gains one), so that
    /// reads of it must fail with ``StorageError/corrupt(_:)``. Returns false when the blob is not stored.
    @discardableResult
    public func corrupt(_ digest: SHA256Value) -> Bool {
        guard var bytes = blobs[digest] else { return false }
        if bytes.isEmpty {
            bytes.append(0)
        } else {
            bytes[bytes.count / 2] ^= 0xff
        }
        blobs[digest] = bytes
        return true
    }

    /// Staging areas handed out and not yet committed or discarded (a leak when an operation has ended).
    public var pendingStagingCount: Int { openStagings.count }

    /// Number of distinct blobs stored.
    public var blobCount: Int { blobs.count }

    func stagingEnded(_ staging: InMemoryBlobStaging) {
        openStagings.remove(ObjectIdentifier(staging))
    }
}

/// Bytes being staged in memory.
actor InMemoryBlobStaging: BlobStaging {
    private enum State { case writing, finished, ended }

    nonisolated let store: InMemoryBlobStore
    private var bytes: [UInt8] = []
    private var state = State.writing

    init(store: InMemoryBlobStore) {
        self.store = store
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard state == .writing else { throw StorageError.backend("write to a staging area that was \(state)") }
        bytes.append(contentsOf: buffer.readableBytesView)
    }

    func finish() async throws {
        guard state == .writing else { throw StorageError.backend("finish of a staging area that was \(state)") }
        state = .finished
    }

    func discard() async {
        guard state != .ended else { return }
        state = .ended
        bytes = []
        await store.stagingEnded(self)
    }

    /// Hands the bytes to a commit; the staging must have been finished and not discarded.
    func take() throws -> [UInt8] {
        guard state == .finished else {
            throw StorageError.backend("commit of a staging area that was \(state == .writing ? "not finished" : "discarded")")
        }
        state = .ended
        defer { bytes = [] }
        return bytes
    }
}

/// Streams a range of an in-memory blob in fixed-size chunks, hashing the whole blob and holding back the
/// last chunk of the range until the digest matched.
actor InMemoryBlobReader: BlobReader {
    private let digest: SHA256Value
    private let bytes: [UInt8]
    private let range: Range<Int>
    private var offset = 0
    private var hasher = SHA256()
    private var heldBack: ByteBuffer?
    private var finished = false

    init(digest: SHA256Value, bytes: [UInt8], range: Range<Int>) {
        self.digest = digest
        self.bytes = bytes
        self.range = range
    }

    func next() async throws -> ByteBuffer? {
        while !finished {
            if offset >= bytes.count {
                finished = true
                guard SHA256Value(bytes: Array(hasher.finalize())) == digest else { throw StorageError.corrupt(digest) }
                defer { heldBack = nil }
                return heldBack
            }
            let start = offset
            offset = min(offset + InMemoryBlobStore.readChunkSize, bytes.count)
            hasher.update(data: bytes[start..<offset])
            let lower = max(start, range.lowerBound), upper = min(offset, range.upperBound)
            guard lower < upper else { continue }
            var slice = ByteBufferAllocator().buffer(capacity: upper - lower)
            slice.writeBytes(bytes[lower..<upper])
            let previous = heldBack
            heldBack = slice
            if let previous { return previous }
        }
        return nil
    }
}
