import Foundation
import TesseraCore
import TesseraWire

/// Uploads a file or a stream to a Glacier vault: parts read once and hashed in that pass, up to
/// `concurrency` of them in flight, each recorded in a resume journal as the service verifies it. A rerun of
/// the same upload (same endpoint, key, vault, file, size and modification time) reconciles the journal with
/// ListParts and sends only the parts the service does not hold.
public struct GlacierArchiveUpload: Sendable {
    public struct Result: Sendable, Equatable {
        public let archiveID: String
        public let treeHash: SHA256Value
        public let size: Int64
        public let partSize: Int64
        /// The multipart upload id, nil when the archive went in one request.
        public let uploadID: String?
        /// Whether a journal of an earlier run was picked up.
        public let resumed: Bool
    }

    public let glacier: GlacierClient
    public let vault: String
    public let source: PartSource
    public let partSize: Int64
    public let concurrency: Int
    public let description: String?
    /// Identifies the local file for the journal (path, size, mtime); nil for a stream, which cannot resume.
    public let fileIdentity: [String: String]?
    public let journals: TransferJournalDirectory
    public let progress: TransferProgressReporter

    public init(glacier: GlacierClient, vault: String, source: PartSource, partSize: Int64, concurrency: Int,
                description: String?, fileIdentity: [String: String]?, journals: TransferJournalDirectory,
                progress: TransferProgressReporter) {
        self.glacier = glacier
        self.vault = vault
        self.source = source
        self.partSize = partSize
        self.concurrency = max(1, concurrency)
        self.description = description
        self.fileIdentity = fileIdentity
        self.journals = journals
        self.progress = progress
    }

    static let kind = "glacier-upload"

    public func run() async throws -> Result {
        defer { progress.finish() }
        progress.setTotal(source.size)
        if let size = source.size, size <= partSize {
            return try await uploadInOneRequest(size: size)
        }
        var identity = fileIdentity
        identity?["endpoint"] = glacier.service.endpoint.absoluteString
        identity?["accessKey"] = glacier.service.credentialProvider.identity
        identity?["vault"] = vault
        let journalURL = identity.map { journals.journalURL(kind: Self.kind, identity: $0) }

        var resumed: (journal: TransferJournal, held: [Int64: String])?
        if let journalURL, let journal = TransferJournal.read(at: journalURL), journal.header.identity == identity,
           journal.header.partSize == partSize {
            resumed = try await reconcile(journal)
        }
        let uploadID: String
        let journalFile: TransferJournalFile?
        if let resumed {
            uploadID = resumed.journal.header.session
            journalFile = try journalURL.map { try TransferJournalFile(appendingTo: $0) }
            progress.status("resuming upload \(uploadID): \(resumed.held.count) parts already with the service")
        } else {
            uploadID = try await glacier.initiateMultipartUpload(vault: vault, partSize: partSize, description: description)
            if let journalURL, let identity {
                journalFile = try TransferJournalFile(creating: journalURL, header: TransferJournal.Header(
                    kind: Self.kind, identity: identity, session: uploadID, partSize: partSize, totalSize: source.size))
            } else {
                journalFile = nil
            }
        }
        let hashes = try await sendParts(uploadID: uploadID, journalFile: journalFile,
                                         journalEntries: resumed?.journal.entries ?? [:], held: resumed?.held ?? [:])
        let size = hashes.reduce(Int64(0)) { $0 + $1.count }
        let treeHash = TreeHash.root(of: hashes.map(\.treeHash))
        let archiveID = try await glacier.completeMultipartUpload(vault: vault, uploadID: uploadID, archiveSize: size,
                                                                  treeHash: treeHash)
        journalFile?.remove()
        return Result(archiveID: archiveID, treeHash: treeHash, size: size, partSize: partSize, uploadID: uploadID,
                      resumed: resumed != nil)
    }

    /// The parts the service holds for the journal's upload, by first byte; nil (start afresh) when the
    /// upload is gone or was made with another part size.
    private func reconcile(_ journal: TransferJournal) async throws -> (journal: TransferJournal, held: [Int64: String])? {
        do {
            let listed = try await glacier.allParts(vault: vault, uploadID: journal.header.session)
            guard listed.partSize == partSize else { return nil }
            var held: [Int64: String] = [:]
            for part in listed.parts {
                guard let range = InclusiveByteRange(dashed: part.RangeInBytes) else { continue }
                held[range.first] = part.SHA256TreeHash
            }
            return (journal, held)
        } catch let error as AWSServiceError where error.code == "ResourceNotFoundException" {
            progress.status("upload \(journal.header.session) is no longer with the service: starting again")
            return nil
        }
    }

    private struct PartDigest: Sendable {
        let index: Int
        let count: Int64
        let treeHash: SHA256Value
    }

    /// Sends every part the service does not hold; returns each part's size and tree hash, in order.
    private func sendParts(uploadID: String, journalFile: TransferJournalFile?, journalEntries: [Int: String],
                           held: [Int64: String]) async throws -> [PartDigest] {
        var digests: [Int: PartDigest] = [:]
        let pool = PartBufferPool(partSize: partSize, bufferSize: HashedPart.bufferSize, inFlight: concurrency)
        try await withThrowingTaskGroup(of: PartDigest.self) { group in
            var inFlight = 0
            var index = 0
            var atEnd = false
            func settle(_ digest: PartDigest) throws {
                digests[digest.index] = digest
                try journalFile?.record(.init(part: digest.index, hash: digest.treeHash.hex))
            }
            while !atEnd {
                let offset = Int64(index) * partSize
                if let size = source.size {
                    if offset >= size { break }
                    // Known to the journal and held by the service with the same tree hash: not even read.
                    if let recorded = journalEntries[index], held[offset] == recorded,
                       let treeHash = SHA256Value(hex: recorded) {
                        let count = min(partSize, size - offset)
                        digests[index] = PartDigest(index: index, count: count, treeHash: treeHash)
                        progress.advance(count, sent: false)
                        index += 1
                        continue
                    }
                }
                try await group.makeRoom(running: &inFlight, limit: concurrency, settle: settle)
                let part = try source.read(index: index, offset: offset, length: partSize, pool: pool)
                if part.count < partSize { atEnd = true }
                if part.count == 0 { break }
                guard index < GlacierPartSize.maximumParts else {
                    throw GlacierPartSizeError.tooManyParts(archiveSize: offset + part.count, partSize: partSize)
                }
                index += 1
                let digest = PartDigest(index: part.index, count: part.count, treeHash: part.treeHash)
                // The service verified this part in an earlier run whose journal line was lost: read, not sent.
                if held[offset] == part.treeHash.hex {
                    pool.giveBack(part.buffers)
                    try settle(digest)
                    progress.advance(part.count, sent: false)
                    continue
                }
                group.addTask {
                    try await send(part, uploadID: uploadID)
                    pool.giveBack(part.buffers)
                    progress.advance(part.count, sent: true)
                    return digest
                }
                inFlight += 1
            }
            try await group.settleRemaining(settle)
        }
        guard !digests.isEmpty else { throw GlacierUploadError.emptySource }
        return (0..<digests.count).compactMap { digests[$0] }
    }

    private func send(_ part: HashedPart, uploadID: String) async throws {
        guard let range = part.range else { return }
        let answered = try await glacier.uploadPart(vault: vault, uploadID: uploadID, range: range,
                                                    treeHash: part.treeHash, sha256: part.sha256, body: part.buffers)
        guard answered == part.treeHash.hex else {
            throw GlacierUploadError.treeHashMismatch(part: part.index, sent: part.treeHash.hex, answered: answered)
        }
    }

    private func uploadInOneRequest(size: Int64) async throws -> Result {
        guard size > 0 else { throw GlacierUploadError.emptySource }
        let part = try source.read(index: 0, offset: 0, length: size)
        let archiveID = try await glacier.uploadArchive(vault: vault, description: description, treeHash: part.treeHash,
                                                        sha256: part.sha256, body: part.buffers)
        progress.advance(part.count, sent: true)
        return Result(archiveID: archiveID, treeHash: part.treeHash, size: part.count, partSize: partSize,
                      uploadID: nil, resumed: false)
    }
}

public enum GlacierUploadError: Error, Sendable, CustomStringConvertible {
    case emptySource
    case treeHashMismatch(part: Int, sent: String, answered: String)

    public var description: String {
        switch self {
        case .emptySource: "nothing to upload: the input is empty (Glacier keeps no empty archives)"
        case .treeHashMismatch(let part, let sent, let answered):
            "part \(part): the service computed tree hash \(answered), the client \(sent)"
        }
    }
}
