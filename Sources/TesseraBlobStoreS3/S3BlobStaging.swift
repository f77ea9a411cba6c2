import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

/// A blob being received for an S3 store. Bytes gather in memory up to one part; a blob that ends within the
/// first part (an EBS block, a manifest, most layer and archive parts) is stored at commit with one PutObject
/// under its digest, and not at all when that digest is stored already. A longer blob becomes a multipart
/// upload to a staging key (`staging/<random>`), one part sent each time a part's worth has arrived, so at
/// most one part is held; commit completes the upload and copies the object under its digest inside the
/// store, and the bytes are never sent twice. Parts grow with the blob (see ``partSize(forPart:)``), so
/// S3's limit of 10,000 parts is never the limit. For a blob of more than one chunk, the SHA-256 of each 1 MiB
/// chunk is taken as its part is sent (``ChunkHashes``) and stored beside it for ranged reads; a blob of one
/// chunk or less is not hashed here at all.
///
/// One task at a time writes to, commits or discards a staging (``BlobIngest`` does them in sequence).
actor S3BlobStaging: BlobStaging {
    nonisolated let bucket: S3Bucket
    nonisolated let key: String
    let basePartSize: Int
    let heartbeat: StagingHeartbeat
    /// Whether this staging has called ``StagingHeartbeat/begin()`` (and owes it an ``StagingHeartbeat/end()``).
    private var alive = false
    private var pending = ByteBuffer()
    private var chunks = ChunkHashes()
    private var uploadID: String?
    private var etags: [String] = []
    private var sent: Int64 = 0
    private var ended = false

    init(bucket: S3Bucket, key: String, basePartSize: Int, heartbeat: StagingHeartbeat) {
        self.bucket = bucket
        self.key = key
        self.basePartSize = basePartSize
        self.heartbeat = heartbeat
    }

    /// The size of part `number` (from 1): the base size for the first 1,000 parts, doubled for each further
    /// thousand; with the 8 MiB default, 10,000 parts hold about 8 TiB.
    func partSize(forPart number: Int) -> Int {
        basePartSize << min((number - 1) / 1000, 20)
    }

    func write(_ buffer: ByteBuffer) async throws {
        guard !ended else { throw StorageError.backend("write to a staging that was already committed or discarded") }
        var rest = buffer
        pending.writeBuffer(&rest)
        while pending.readableBytes >= partSize(forPart: etags.count + 1) {
            let size = partSize(forPart: etags.count + 1)
            guard let part = pending.readSlice(length: size) else { break }
            try await send(part)
            pending.discardReadBytes()
        }
    }

    func finish() async throws {}

    /// Bytes staged so far.
    var size: Int64 { sent + Int64(pending.readableBytes) }

    /// Stores the staged bytes under `destination`: one PutObject when they fit in one part, else the last
    /// part, CompleteMultipartUpload, a copy inside the store and the staging object's removal. A blob of more
    /// than one chunk gets its chunk list first, under `chunkListKey`, and the list's SHA-256 in its metadata.
    func store(at destination: String, chunkListKey: String) async throws {
        guard !ended else { throw StorageError.backend("commit of a staging that was already committed or discarded") }
        ended = true
        defer { endHeartbeat() }
        var headers: [(name: String, value: String)] = []
        if size > Int64(ChunkHashes.chunkSize) {
            // Parts are whole chunks (sizes are multiples of 1 MiB), so the sent parts' chunks are hashed and
            // the rest is whole chunks and a last short one.
            chunks.update(pending)
            let list = chunks.finish()
            try await bucket.put(chunkListKey, body: [ByteBuffer(bytes: list)])
            headers.append(("x-amz-meta-" + ChunkHashes.metadataName, SHA256Value.of(list).hex))
        }
        guard let uploadID else {
            let body = pending
            pending = ByteBuffer()
            try await bucket.put(destination, body: [body], headers: headers)
            return
        }
        do {
            if pending.readableBytes > 0 {
                let last = pending
                try await send(last)
            }
            pending = ByteBuffer()
            try await bucket.completeMultipartUpload(key, uploadID: uploadID, etags: etags)
        } catch {
            try? await bucket.abortMultipartUpload(key, uploadID: uploadID)
            throw error
        }
        self.uploadID = nil
        // The staging object goes whether or not the copy worked; one left by a failed delete (or a crash) is
        // removed by the sweep of abandoned staging (S3BlobStore.removeAbandoned).
        do {
            try await bucket.copy(key, to: destination, size: sent, headers: headers)
        } catch {
            try? await bucket.delete(key)
            throw error
        }
        try? await bucket.delete(key)
    }

    func discard() async {
        ended = true
        pending = ByteBuffer()
        defer { endHeartbeat() }
        guard let uploadID else { return }
        self.uploadID = nil
        try? await bucket.abortMultipartUpload(key, uploadID: uploadID)
    }

    private func endHeartbeat() {
        guard alive else { return }
        alive = false
        let heartbeat = heartbeat
        Task { await heartbeat.end() }
    }

    private func send(_ part: ByteBuffer) async throws {
        let id: String
        if let uploadID {
            id = uploadID
        } else {
            if !alive {
                try await heartbeat.begin()
                alive = true
            }
            id = try await bucket.createMultipartUpload(key)
            uploadID = id
        }
        chunks.update(part)
        etags.append(try await bucket.uploadPart(key, uploadID: id, number: etags.count + 1, body: [part]))
        sent += Int64(part.readableBytes)
    }
}
