import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import TesseraClient
import TesseraCore
import TesseraStorage

/// A ``BlobStore`` in an S3 bucket (AWS S3, Ceph radosgw, MinIO, any S3 API), shared by every node of a
/// cluster. Blobs live at `PREFIX/blobs/<sha256 hex>`; writes are staged as ``S3BlobStaging`` describes, under
/// `PREFIX/staging/`. When each blob was last written is kept in the metadata database (a
/// ``BlobWriteLedger``), not in the object store, and every commit and every sweep's delete goes through it:
/// see docs/s3-blobs.md for why that keeps a sweep on any node from deleting a blob that a commit on another
/// node has just found stored.
public struct S3BlobStore: BlobStore {
    let bucket: S3Bucket
    let ledger: any BlobWriteLedger
    let location: S3Location
    let basePartSize: Int
    let heartbeat: StagingHeartbeat
    let chunkLists = ChunkListCache()

    /// A deletion claim older than this may be taken over by a commit or another sweep: its sweeper stopped.
    static let claimLifetime: TimeInterval = 600
    /// Staging older than this is removed even if its process is alive: no request takes a day.
    static let stagingExpiry: TimeInterval = 86_400
    /// An upload that took longer than this records its write again when it lands.
    static let rerecordAfter: Duration = .seconds(10)
    /// How long a commit waits for a sweep's claim on its digest to end before it fails with a retryable error.
    static let claimWait: Duration = .seconds(10)

    /// The HTTP client every S3 store of the process shares: up to 64 connections to the endpoint.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)),
                                                     decompression: .disabled)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Opens the store, creating the bucket if it does not exist.
    /// - Parameter basePartSize: the multipart part size (at least S3's 5 MiB minimum); blobs up to this size
    ///   are stored with one PutObject.
    public init(location: S3Location, ledger: any BlobWriteLedger, basePartSize: Int = 8 << 20) async throws {
        let endpoint = location.endpoint
        // Deadlines: the answer timeout (20 s unless configured) and a second per MiB sent for an attempt, three
        // attempts as the AWS SDKs' standard mode makes, so a store that stops answering fails a request in about
        // a minute and a sweep's delete with its retries stays well inside claimLifetime; 30 minutes for a
        // server-side copy or completion, which moves up to 5 GiB inside the store.
        let client = AWSServiceClient(service: .s3, endpoint: endpoint, region: location.region, credentials: location.credentials,
                                      http: Self.http, retry: RetryPolicy(maxAttempts: 3),
                                      requestTimeout: location.answerDeadline, timeoutPerMiB: .seconds(1))
        let copyClient = AWSServiceClient(service: .s3, endpoint: endpoint, region: location.region, credentials: location.credentials,
                                          http: Self.http, retry: RetryPolicy(maxAttempts: 3), requestTimeout: .seconds(1800))
        self.bucket = S3Bucket(client: client, copyClient: copyClient, name: location.bucket)
        self.ledger = ledger
        self.location = location
        self.basePartSize = max(basePartSize, 5 << 20)
        self.heartbeat = StagingHeartbeat(instance: RandomID.urlSafe(length: 16), ledger: ledger)
        try await bucket.createIfMissing()
    }

    func key(for digest: SHA256Value) -> String { location.prefix + "blobs/" + digest.hex }
    func chunkListKey(for digest: SHA256Value) -> String { location.prefix + "chunks/" + digest.hex }

    var stagingPrefix: String { location.prefix + "staging/" }

    public func makeStaging() async throws -> any BlobStaging {
        S3BlobStaging(bucket: bucket, key: stagingPrefix + heartbeat.instance + "/" + RandomID.urlSafe(length: 24),
                      basePartSize: basePartSize, heartbeat: heartbeat)
    }

    public func commit(_ staging: any BlobStaging, as digest: SHA256Value) async throws {
        guard let staged = staging as? S3BlobStaging else {
            throw StorageError.backend("staging from another store committed to \(location.description)")
        }
        // The write is recorded before the store is asked whether it holds the digest: from then on no sweep
        // can claim the blob, so "already stored" stays true until the record naming it exists.
        do {
            try await recordWrite(of: digest)
        } catch {
            await staged.discard()
            throw error
        }
        let key = key(for: digest)
        if try await bucket.head(key) != nil {
            await staged.discard()
            return
        }
        let started = ContinuousClock.now
        try await staged.store(at: key, chunkListKey: chunkListKey(for: digest))
        // Again after a long upload, so that it does not look older than a sweep's cutoff once it lands (the
        // shortest grace a sweep uses is far longer than this bound).
        if ContinuousClock.now - started > Self.rerecordAfter {
            try await recordWrite(of: digest)
        }
    }

    /// Records a write of `digest`, waiting (up to ``claimWait``) for a sweep that is deleting it to finish.
    func recordWrite(of digest: SHA256Value) async throws {
        let deadline = ContinuousClock.now + Self.claimWait
        while true {
            let now = Date()
            if try await ledger.recordWrite(of: digest, at: now, takingOverClaimsBefore: now.addingTimeInterval(-Self.claimLifetime)) {
                return
            }
            guard ContinuousClock.now < deadline else {
                throw StorageError.backend("blob \(digest.hex) is being deleted by a garbage-collection sweep; the write can be retried")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    public func size(of digest: SHA256Value) async throws -> Int64? {
        try await bucket.head(key(for: digest))?.size
    }

    /// A range of a blob of more than one chunk is read through its chunk list: only the chunks it covers are
    /// fetched, each verified before it is handed out. Every other read (the whole blob, a small blob, one
    /// whose chunk list is missing or does not match its recorded hash) streams the whole object and checks the
    /// digest over every byte, as the file-system store does (docs/s3-blobs.md#reads).
    public func read(_ digest: SHA256Value, range: Range<Int64>?) async throws -> any BlobReader {
        let key = key(for: digest)
        guard let head = try await bucket.head(key) else { throw StorageError.notFound("blob \(digest.hex)") }
        let size = head.size
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.upperBound <= size else {
            throw StorageError.backend("range \(wanted) outside blob \(digest.hex) of \(size) bytes")
        }
        let chunk = Int64(ChunkHashes.chunkSize)
        if !wanted.isEmpty, wanted != 0..<size, size > chunk,
           let listHash = head.metadata[ChunkHashes.metadataName],
           let list = try await chunkList(of: digest, size: size, sha256Hex: listHash) {
            let fetched = (wanted.lowerBound / chunk * chunk)..<min(size, ((wanted.upperBound - 1) / chunk + 1) * chunk)
            let body = S3TimedBody(key: key, body: try await bucket.get(key, range: fetched), timeout: location.answerDeadline)
            return S3ChunkVerifiedReader(key: key, body: body, digest: digest, chunkList: list, size: size,
                                         fetched: fetched, range: wanted)
        }
        let body = S3TimedBody(key: key, body: try await bucket.get(key), timeout: location.answerDeadline)
        return S3BlobReader(key: key, body: body, digest: digest, size: size, range: wanted)
    }

    /// The chunk list of a blob of `size` bytes, or nil when it is missing or does not match `sha256Hex`.
    func chunkList(of digest: SHA256Value, size: Int64, sha256Hex: String) async throws -> [UInt8]? {
        let chunk = Int64(ChunkHashes.chunkSize)
        let expected = Int((size + chunk - 1) / chunk) * 32
        if let kept = chunkLists.list(digest, sha256Hex: sha256Hex), kept.count == expected { return kept }
        let listKey = chunkListKey(for: digest)
        let body: S3TimedBody
        do {
            body = S3TimedBody(key: listKey, body: try await bucket.get(listKey), timeout: location.answerDeadline)
        } catch let error as StorageError {
            if case .notFound = error { return nil }
            throw error
        }
        var list: [UInt8] = []
        while let piece = try await body.next() {
            guard list.count + piece.readableBytes <= expected else { return nil }
            list.append(contentsOf: piece.readableBytesView)
        }
        guard list.count == expected, SHA256Value.of(list).hex == sha256Hex else { return nil }
        chunkLists.keep(list, sha256Hex: sha256Hex, for: digest)
        return list
    }

    public func delete(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        // Nothing to claim for a blob that is not stored (a commit of it that starts now records its write first).
        guard try await bucket.head(key(for: digest)) != nil else { return false }
        return try await deleteUnderClaim(digest, ifUnwrittenSince: cutoff)
    }

    /// Claims `digest`, deletes its object and chunk list if the object is still there, and ends the claim.
    /// Returns whether this call deleted the object: another sweep may have deleted it between a first look
    /// and the claim, or a sweeper that stopped may have deleted it and left only its claim, and neither is
    /// counted here.
    func deleteUnderClaim(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws -> Bool {
        try await underClaim(digest, ifUnwrittenSince: cutoff) { stored in
            if stored {
                try await bucket.delete(key(for: digest))
                try await bucket.delete(chunkListKey(for: digest))
            }
            return stored
        } ?? false
    }

    /// Claims `digest` and deletes its chunk list if its object is not stored (a sweeper that stopped between
    /// the two deletions, or a commit that stopped between the two uploads, left it), then ends the claim.
    func deleteOrphanChunkList(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date) async throws {
        _ = try await underClaim(digest, ifUnwrittenSince: cutoff) { stored in
            if !stored { try await bucket.delete(chunkListKey(for: digest)) }
            return stored
        }
    }

    /// Runs `body` with whether the object of `digest` is stored, while holding the ledger's deletion claim on
    /// it, which no commit of it since `cutoff` lets a sweep take and which a commit waits for; nil when the claim
    /// was not had.
    private func underClaim(_ digest: SHA256Value, ifUnwrittenSince cutoff: Date,
                            _ body: (_ stored: Bool) async throws -> Bool) async throws -> Bool? {
        let claimedAt = Date()
        guard try await ledger.claimDeletion(of: digest, unwrittenSince: cutoff, at: claimedAt,
                                             takingOverClaimsBefore: claimedAt.addingTimeInterval(-Self.claimLifetime)) else {
            return nil
        }
        let result = try await body(try await bucket.head(key(for: digest)) != nil)
        try await ledger.finishDeletion(of: digest, claimedAt: claimedAt)
        return result
    }

    /// Deletes the chunk lists older than `cutoff` whose blob is not stored, walking `chunks/` and `blobs/` side
    /// by side in key order (both sort as their digests), one page of each at a time; the blob listing skips
    /// ahead to the next chunk list's digest, so it reads little more than the chunk lists' share of the store.
    func removeOrphanChunkLists(before cutoff: Date) async throws {
        let chunksPrefix = location.prefix + "chunks/"
        let blobsPrefix = location.prefix + "blobs/"
        var chunkContinuation: String?
        var blobs: Set<String> = []       // one page of blob digests (hex): every stored one from its first to blobsEnd
        var blobsEnd: String?             // the page's last digest; nil before the first page
        var blobsExhausted = false
        repeat {
            let page = try await bucket.list(prefix: chunksPrefix, continuation: chunkContinuation)
            chunkContinuation = page.next
            for object in page.objects where object.lastModified < cutoff {
                let hex = String(object.key.dropFirst(chunksPrefix.count))
                guard let digest = SHA256Value(hex: hex) else { continue }
                // Bring the blob page up to this digest: list from just before it (a key one character shorter
                // sorts before every key that extends it) whenever the page ends short of it, and on with the
                // listing's token while a page (a store may return short ones) still ends short of it.
                var continuation: String?
                while !blobsExhausted, blobsEnd.map({ $0 < hex }) ?? true {
                    let listed = try await bucket.list(prefix: blobsPrefix, continuation: continuation,
                                                       startAfter: continuation == nil ? blobsPrefix + String(hex.dropLast()) : nil)
                    let digests = listed.objects.map { String($0.key.dropFirst(blobsPrefix.count)) }
                    blobs = Set(digests)
                    blobsEnd = digests.last ?? blobsEnd
                    continuation = listed.next
                    if continuation == nil { blobsExhausted = true }
                }
                if !blobs.contains(hex) {
                    try await deleteOrphanChunkList(digest, ifUnwrittenSince: cutoff)
                }
            }
        } while chunkContinuation != nil
    }

    /// One ListObjectsV2 page under `PREFIX/blobs/`, whose keys sort as their digests do (lower-case hex of a
    /// fixed length), with the ledger's record of when each was last written.
    public func listBlobs(after: SHA256Value?, limit: Int) async throws -> [StoredBlob] {
        let blobsPrefix = location.prefix + "blobs/"
        var listed: [(digest: SHA256Value, object: S3Bucket.ListedObject)] = []
        var continuation: String?
        repeat {
            // Keys that do not name a digest (not written by Tessera) are passed over, a page of them included.
            let page = try await bucket.list(prefix: blobsPrefix, continuation: continuation, startAfter: after.map { key(for: $0) },
                                             maxKeys: min(max(limit, 1), 1000))
            listed = page.objects.compactMap { object in
                SHA256Value(hex: String(object.key.dropFirst(blobsPrefix.count))).map { (digest: $0, object: object) }
            }
            continuation = page.next
        } while listed.isEmpty && continuation != nil
        let written = try await ledger.lastWrites(of: listed.map(\.digest))
        return listed.map { entry in
            StoredBlob(digest: entry.digest, lastWritten: written[entry.digest] ?? entry.object.lastModified, size: entry.object.size)
        }
    }

    /// Removes staging that no commit will finish — multipart uploads and staging objects older than `cutoff`
    /// whose server process is no longer marked alive (it died mid-upload), or older than a day whatever their
    /// process — and ends deletion claims whose sweeper stopped. The staging of a live process's upload in
    /// progress is left alone however long it takes.
    public func removeAbandoned(before cutoff: Date) async throws {
        let uploads = try await bucket.listMultipartUploads(prefix: stagingPrefix)
        var objects: [S3Bucket.ListedObject] = []
        var continuation: String?
        repeat {
            let page = try await bucket.list(prefix: stagingPrefix, continuation: continuation)
            objects += page.objects
            continuation = page.next
        } while continuation != nil
        // Read after the listings: a process that began staging after this read began it after the listings too,
        // so its staging is not among them, or is younger than the cutoff.
        let now = Date()
        let alive = try await ledger.instancesAlive(since: now.addingTimeInterval(-StagingHeartbeat.deadAfter))
        func abandoned(_ key: String, since time: Date) -> Bool {
            guard time < cutoff else { return false }
            if time < now.addingTimeInterval(-Self.stagingExpiry) { return true }
            let instance = String(key.dropFirst(stagingPrefix.count).prefix { $0 != "/" })
            return !alive.contains(instance)
        }
        for upload in uploads where abandoned(upload.key, since: upload.initiated) {
            try await bucket.abortMultipartUpload(upload.key, uploadID: upload.uploadID)
        }
        for object in objects where abandoned(object.key, since: object.lastModified) {
            try await bucket.delete(object.key)
        }
        try await removeOrphanChunkLists(before: cutoff)
        try await ledger.forgetInstances(seenBefore: now.addingTimeInterval(-Self.stagingExpiry))
        let stale = Date().addingTimeInterval(-Self.claimLifetime)
        for digest in try await ledger.abandonedDeletions(claimedBefore: stale, limit: 1000) {
            _ = try await deleteUnderClaim(digest, ifUnwrittenSince: cutoff)
        }
    }
}
