import Crypto
import Foundation
import NIOCore
import TesseraCore

/// Pushes an image (or an index and its images) from an OCI image layout through the ECR layer API: blobs the
/// repository already holds (BatchCheckLayerAvailability) are skipped; the others go up in sequential parts
/// (the API's rule), several blobs at once; then the manifests, children first, the root under its tag.
///
/// Each acknowledged part is recorded in a resume journal as `UPLOAD-ID LAST-BYTE` for its blob. A rerun skips
/// the blobs completed since, and continues a recorded upload after its last acknowledged byte; if the
/// registry says otherwise (`InvalidLayerPartException`, or the upload is gone) that blob starts over.
public struct ECRImagePush: Sendable {
    public struct Result: Sendable, Equatable {
        public let digest: String
        public let blobs: Int
        public let blobsSent: Int
        public let bytesSent: Int64
        public let resumed: Bool
    }

    public let ecr: ECRClient
    public let layout: OCIImageLayout
    public let layoutTag: String?
    public let repository: String
    public let tag: String
    public let concurrency: Int
    public let journals: TransferJournalDirectory
    public let progress: TransferProgressReporter

    public init(ecr: ECRClient, layout: OCIImageLayout, layoutTag: String?, repository: String, tag: String,
                concurrency: Int, journals: TransferJournalDirectory, progress: TransferProgressReporter) {
        self.ecr = ecr
        self.layout = layout
        self.layoutTag = layoutTag
        self.repository = repository
        self.tag = tag
        self.concurrency = max(1, concurrency)
        self.journals = journals
        self.progress = progress
    }

    static let kind = "ecr-push"
    /// 10 MiB, as the AWS SDKs' ECR examples use; base64 makes it 13.3 MiB on the wire.
    static let partSize: Int64 = 10 << 20

    public func run() async throws -> Result {
        defer { progress.finish() }
        let root = try layout.root(tag: layoutTag)
        // Every manifest, children before their index, and every blob once.
        var manifests: [(OCIImageLayout.Descriptor, OCIImageLayout.Manifest)] = []
        var blobs: [OCIImageLayout.Descriptor] = []
        func walk(_ descriptor: OCIImageLayout.Descriptor) throws {
            let manifest = try layout.manifest(descriptor)
            for child in manifest.children { try walk(child) }
            for blob in manifest.blobs where !blobs.contains(where: { $0.digest == blob.digest }) { blobs.append(blob) }
            manifests.append((descriptor, manifest))
        }
        try walk(root)
        progress.setTotal(blobs.reduce(0) { $0 + $1.size })

        let identity = ["endpoint": ecr.service.endpoint.absoluteString, "accessKey": ecr.service.credentialProvider.identity,
                        "repository": repository, "layout": layout.directory.path, "root": root.digest]
        let journalURL = journals.journalURL(kind: Self.kind, identity: identity)
        var recorded: [Int: String] = [:]
        let journalFile: TransferJournalFile
        if let journal = TransferJournal.read(at: journalURL), journal.header.identity == identity {
            recorded = journal.entries
            journalFile = try TransferJournalFile(appendingTo: journalURL)
        } else {
            journalFile = try TransferJournalFile(creating: journalURL, header: TransferJournal.Header(
                kind: Self.kind, identity: identity, session: root.digest, partSize: Self.partSize, totalSize: nil))
        }

        let available = try await ecr.availableLayers(repository: repository, digests: blobs.map(\.digest))
        var sent = 0
        let bytesSent = LockedValue<Int64>(0)
        let pool = PartBufferPool(bufferSize: Int(Self.partSize), limit: concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for (index, blob) in blobs.enumerated() {
                if available.contains(blob.digest) {
                    progress.advance(blob.size, sent: false)
                    continue
                }
                try await group.makeRoom(running: &inFlight, limit: concurrency)
                let resumeFrom = recorded[index]
                group.addTask {
                    let count = try await upload(blob, index: index, resumeFrom: resumeFrom, journal: journalFile, pool: pool)
                    bytesSent.withLock { $0 += count }
                }
                inFlight += 1
                sent += 1
            }
            try await group.settleRemaining()
        }

        var rootDigest = root.digest
        for (descriptor, manifest) in manifests {
            let isRoot = descriptor.digest == root.digest
            let text = String(decoding: manifest.bytes, as: UTF8.self)
            do {
                let stored = try await ecr.putImage(repository: repository, manifest: text, mediaType: manifest.mediaType,
                                                    tag: isRoot ? tag : nil, digest: descriptor.digest)
                if isRoot { rootDigest = stored }
            } catch let error as AWSServiceError where error.code == "ImageAlreadyExistsException" {
                continue   // pushed by an earlier run: the same manifest under the same tag
            }
        }
        journalFile.remove()
        return Result(digest: rootDigest, blobs: blobs.count, blobsSent: sent, bytesSent: bytesSent.withLock { $0 },
                      resumed: !recorded.isEmpty)
    }

    /// Uploads one blob in sequential parts, continuing a journalled upload if the registry agrees; returns
    /// the bytes sent.
    private func upload(_ blob: OCIImageLayout.Descriptor, index: Int, resumeFrom: String?,
                        journal: TransferJournalFile, pool: PartBufferPool) async throws -> Int64 {
        let url = try layout.blobURL(blob.digest)
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LocalFileError(path: url.path, code: errno, doing: "open") }
        defer { close(fd) }
        let source = PartSource(descriptor: fd, size: blob.size)

        var uploadID: String
        var next: Int64 = 0
        let recorded = resumeFrom?.split(separator: " ").map(String.init)
        if let recorded, recorded.count == 2, let last = Int64(recorded[1]) {
            uploadID = recorded[0]
            next = last + 1
            progress.advance(next, sent: false)
        } else {
            uploadID = try await ecr.initiateLayerUpload(repository: repository).uploadID
        }
        var sentBytes: Int64 = 0
        while next < blob.size {
            let length = min(Self.partSize, blob.size - next)
            let (buffers, count) = try source.readBytes(offset: next, length: length, pool: pool)
            guard count == length, let part = buffers.first else {
                throw OCILayoutError.invalid("blob \(blob.digest) is shorter than \(blob.size) bytes")
            }
            let body = ECRLayerPartBody(repository: repository, uploadID: uploadID, first: next, part: part)
            defer { pool.giveBack(buffers) }
            do {
                let received = try await ecr.uploadLayerPart(body)
                try journal.record(.init(part: index, hash: "\(uploadID) \(received)"))
                progress.advance(length, sent: true)
                sentBytes += length
                next = received + 1
            } catch let error as AWSServiceError
                where next > 0 && ["InvalidLayerPartException", "UploadNotFoundException"].contains(error.code) {
                // The journal and the registry disagree: this blob starts again on a new upload.
                uploadID = try await ecr.initiateLayerUpload(repository: repository).uploadID
                next = 0
            }
        }
        do {
            try await ecr.completeLayerUpload(repository: repository, uploadID: uploadID, digest: blob.digest)
        } catch let error as AWSServiceError where error.code == "LayerAlreadyExistsException" {
            // Another push completed the same blob meanwhile.
        }
        return sentBytes
    }
}
