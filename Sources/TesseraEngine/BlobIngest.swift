import Crypto
import NIOCore
import TesseraCore
import TesseraResumableSHA256
import TesseraStorage

/// The one part-ingest pipeline every protocol uses: stream the body into a staging area while hashing
/// it, check what arrived against what the request promised, then commit it under its digest or throw it away.
public struct BlobIngest: Sendable {
    let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    /// Bytes received and hashed, staged but not yet committed.
    public struct Received {
        public let staging: any BlobStaging
        /// SHA-256 of the content: its address.
        public let digest: SHA256Value
        public let size: Int64
        /// The Glacier tree hash, when asked for.
        public let treeHash: SHA256Value?
    }

    /// Streams `body` into staging, hashing as it goes, and flushes it durably.
    /// - Parameters:
    ///   - expectedLength: the exact length the request declared; a body that ends early or runs past it
    ///     is refused with ``EngineError/incompleteBody(declared:received:)`` (reading stops at the overrun).
    ///   - payloadSHA256: the signed payload hash to hold the body to, if the request signed one.
    ///   - treeHash: whether to compute the Glacier tree hash too.
    /// - Throws: ``EngineError`` for a body that does not match; storage errors as ``EngineError/storageFailure(_:)``.
    public func receive<Body: AsyncSequence>(
        _ body: Body, expectedLength: Int64, payloadSHA256: SHA256Value?, treeHash wantsTreeHash: Bool
    ) async throws -> Received where Body.Element == ByteBuffer {
        var tree = wantsTreeHash ? TreeHasher() : nil
        let streamed: Streamed
        do {
            streamed = try await stream(body, limit: expectedLength) { tree?.update($0) }
        } catch let overrun as IngestOverrun {
            throw EngineError.incompleteBody(declared: expectedLength, received: overrun.received)
        } catch let interrupted as BodyInterrupted {
            throw EngineError.incompleteBody(declared: expectedLength, received: interrupted.received)
        }
        do {
            guard streamed.size == expectedLength else {
                throw EngineError.incompleteBody(declared: expectedLength, received: streamed.size)
            }
            if let payloadSHA256, payloadSHA256 != streamed.digest {
                throw EngineError.payloadHashMismatch(expected: payloadSHA256.hex, computed: streamed.digest.hex)
            }
            return Received(staging: streamed.staging, digest: streamed.digest, size: streamed.size, treeHash: tree?.finalize())
        } catch {
            await streamed.staging.discard()
            throw error
        }
    }

    /// Bytes streamed into a finished staging, with their SHA-256.
    public struct Streamed {
        public let staging: any BlobStaging
        public let digest: SHA256Value
        public let size: Int64
        /// The SHA-256 state after the bytes, when they were hashed with ``ResumableSHA256`` (`resumable`).
        public let state: ResumableSHA256?
    }

    /// A body that ran past the limit it was received under; reading stopped there.
    public struct IngestOverrun: Error {
        /// Bytes received when it stopped.
        public let received: Int64
    }

    /// A body whose own reader refused its content (a malformed JSON envelope around the bytes): passed through
    /// unchanged, for the door that made the reader to answer.
    public struct BodyRefused: Error {
        public let cause: any Error
        public init(_ cause: any Error) { self.cause = cause }
    }

    /// A body that ended before its request did: the client closed the connection (or sent something the
    /// HTTP parser refused) mid-body. The client's doing, not the server's: answer 4xx, log at info.
    public struct BodyInterrupted: Error {
        /// Bytes received before it ended.
        public let received: Int64
        /// What the HTTP layer reported.
        public let cause: any Error
    }

    /// Streams `body` into a new staging, hashing it, and finishes the staging. The staging is discarded
    /// when this throws.
    /// - Parameters:
    ///   - limit: the most bytes taken; one more throws ``IngestOverrun``.
    ///   - prepare: runs once, before the first chunk reaches `observe` (e.g. to look up state to hash against).
    ///   - observe: sees every chunk, in order (for hashes besides the SHA-256).
    ///   - resumable: hash with ``ResumableSHA256`` and return its state (a layer's first part: the part's
    ///     address and the layer's running digest are then one computation).
    public func stream<Body: AsyncSequence>(
        _ body: Body, limit: Int64, prepare: () async throws -> Void = {}, resumable: Bool = false,
        observe: (UnsafeRawBufferPointer) -> Void
    ) async throws -> Streamed where Body.Element == ByteBuffer {
        let staging = try await storage { try await blobs.makeStaging() }
        do {
            var sha = SHA256()
            var state = resumable ? ResumableSHA256() : nil
            var received: Int64 = 0
            var prepared = false
            var chunks = body.makeAsyncIterator()
            while true {
                let next: ByteBuffer?
                do {
                    next = try await chunks.next()
                } catch let refused as BodyRefused {
                    throw refused
                } catch {
                    throw BodyInterrupted(received: received, cause: error)
                }
                guard let buffer = next else { break }
                received += Int64(buffer.readableBytes)
                guard received <= limit else { throw IngestOverrun(received: received) }
                if !prepared {
                    try await prepare()
                    prepared = true
                }
                buffer.withUnsafeReadableBytes { raw in
                    if state != nil { state?.update(raw) } else { sha.update(bufferPointer: raw) }
                    observe(raw)
                }
                try await storage { try await staging.write(buffer) }
            }
            let digest: SHA256Value
            if let state {
                digest = state.finalize()
            } else {
                guard let value = SHA256Value(bytes: Array(sha.finalize())) else { throw EngineError.storageFailure("SHA-256 of wrong length") }
                digest = value
            }
            try await storage { try await staging.finish() }
            return Streamed(staging: staging, digest: digest, size: received, state: state)
        } catch {
            await staging.discard()
            throw error
        }
    }

    /// Makes received bytes durable under their digest.
    public func commit(_ received: Received) async throws {
        try await storage { try await blobs.commit(received.staging, as: received.digest) }
    }

    /// Throws received bytes away.
    public func discard(_ received: Received) async {
        await received.staging.discard()
    }

    /// Receives bytes held in memory (generated documents such as inventories) and commits them.
    public func store(_ bytes: [UInt8]) async throws -> SHA256Value {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let received = try await receive(CollectionOfOne(buffer).async, expectedLength: Int64(bytes.count),
                                         payloadSHA256: nil, treeHash: false)
        try await commit(received)
        return received.digest
    }
}

/// Runs a storage call, translating ``StorageError`` into ``EngineError/storageFailure(_:)``.
func storage<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StorageError {
        throw EngineError(error)
    }
}

extension Sequence {
    /// This sequence as an AsyncSequence that never throws.
    var async: AsyncSyncSequence<Self> { AsyncSyncSequence(base: self) }
}

/// A synchronous sequence served as an AsyncSequence.
struct AsyncSyncSequence<Base: Sequence>: AsyncSequence {
    typealias Element = Base.Element
    let base: Base

    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}
