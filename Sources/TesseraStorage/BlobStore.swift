import Foundation
import NIOCore
import TesseraCore

/// Content-addressed bytes: every blob is stored under the SHA-256 of its content.
///
/// Writes are staged: bytes stream into a ``BlobStaging`` (a temporary location), which the caller hashes
/// as it writes; once the caller has checked what it received it calls ``commit(_:as:)``, which makes the
/// bytes durable under their digest, or ``BlobStaging/discard()``. A blob that is committed twice is
/// stored once. Reads stream and check the digest the blob is stored under as they go.
public protocol BlobStore: Sendable {
    /// Opens a staging area for one blob.
    /// - Throws: ``StorageError`` when the backend cannot make room for it.
    func makeStaging() async throws -> any BlobStaging

    /// Makes staged bytes durable under `digest`. The staging is consumed. Committing a digest that is
    /// already stored discards the staged copy, marks the stored blob as written now (so a garbage
    /// collection sweep running meanwhile spares it) and succeeds.
    /// - Throws: ``StorageError`` on I/O failure; afterwards the blob is either absent or whole.
    func commit(_ staging: any BlobStaging, as digest: SHA256Value) async throws

    /// The size of a stored blob, or nil when it is not stored.
    func size(of digest: SHA256Value) async throws -> Int64?

    /// Streams `range` (the whole blob when nil) of a stored blob. The stream verifies the blob's digest
    /// as it reads and holds back its final chunk until the digest matched, so corruption ends the stream
    /// with ``StorageError/corrupt(_:)`` instead of delivering wrong bytes.
    /// - Throws: ``StorageError/notFound(_:)`` when the blob is not stored.
    func read(_ digest: SHA256Value, range: Range<Int64>?) async throws -> any BlobReader

    /// Removes a blob unless it was written (or committed again) at or after `cutoff`; atomic with
    /// respect to ``commit(_:as:)`` of the same digest. Returns whether it removed it; an absent blob
    /// is not an error.
    func delete(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws -> Bool

    /// ``delete(_:ifUnwrittenSince:)`` of each digest, in order; returns the ones it removed. A store may do
    /// them in one go (garbage collection deletes a page at a time), each still atomic with commits.
    func delete(_ digests: [SHA256Value], ifUnwrittenSince cutoff: Date) async throws -> Set<SHA256Value>

    /// One page of the stored blobs, for garbage collection: up to `limit` of them (at least one when any is
    /// left), those whose digests come after `after` (from the first when nil), in ascending digest order,
    /// each with when it was last written. A page shorter than `limit` may still be followed by another: the
    /// listing ends at the first empty page.
    func listBlobs(after: SHA256Value?, limit: Int) async throws -> [StoredBlob]

    /// Removes what interrupted writes left behind before `cutoff` (staging of a node that died mid-upload);
    /// each garbage-collection sweep calls it first. A backend that cleans up otherwise does nothing.
    func removeAbandoned(before cutoff: Date) async throws
}

extension BlobStore {
    /// Nothing to do: the file-system store removes its staging files when it opens.
    public func removeAbandoned(before cutoff: Date) async throws {}

    /// One delete after another.
    public func delete(_ digests: [SHA256Value], ifUnwrittenSince cutoff: Date) async throws -> Set<SHA256Value> {
        var removed: Set<SHA256Value> = []
        for digest in digests where try await delete(digest, ifUnwrittenSince: cutoff) { removed.insert(digest) }
        return removed
    }

    /// Every stored blob in one array, read page by page: for tests and inspection of small stores (garbage
    /// collection reads one page at a time, so its memory does not grow with the store).
    public func listBlobs() async throws -> [StoredBlob] {
        var found: [StoredBlob] = []
        while true {
            let page = try await listBlobs(after: found.last?.digest, limit: 1000)
            guard !page.isEmpty else { return found }
            found += page
        }
    }
}

/// A stored blob as garbage collection sees it.
public struct StoredBlob: Sendable, Equatable {
    public var digest: SHA256Value
    /// When it was last committed.
    public var lastWritten: Date
    /// Bytes it takes in the store.
    public var size: Int64

    public init(digest: SHA256Value, lastWritten: Date, size: Int64) {
        self.digest = digest
        self.lastWritten = lastWritten
        self.size = size
    }
}

/// A blob being written, before it has a digest.
public protocol BlobStaging: AnyObject, Sendable {
    /// Appends bytes.
    func write(_ buffer: ByteBuffer) async throws
    /// Ends the writing; call once, after the last write and before commit. Backends may defer making the
    /// bytes durable to ``BlobStore/commit(_:as:)`` (which skips it when the content is already stored).
    func finish() async throws
    /// Throws the staged bytes away. Safe to call more than once, and after a failed write.
    func discard() async
}

/// Hands out the bytes of a read one chunk at a time, reading only when asked (so a slow consumer
/// never makes the server buffer).
public protocol BlobReader: Sendable {
    /// The next chunk, or nil at the end.
    func next() async throws -> ByteBuffer?
}

/// The bytes of a read as an AsyncSequence.
public typealias BlobReadStream = AsyncThrowingStream<ByteBuffer, any Error>

extension BlobReader {
    /// This reader as an AsyncSequence, pulling one chunk per element.
    public var stream: BlobReadStream {
        BlobReadStream(unfolding: { try await self.next() })
    }
}
