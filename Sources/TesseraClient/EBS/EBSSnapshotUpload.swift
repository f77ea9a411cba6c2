import Crypto
import Foundation
import NIOCore
import TesseraCore
import TesseraWire

/// Uploads a disk image as an EBS snapshot: 512 KiB blocks, holes and all-zero blocks never sent, a short last
/// block padded with zeros, up to `concurrency` blocks in flight, each recorded in a resume journal once the
/// service has acknowledged it.
///
/// With a parent snapshot the upload is incremental: with the parent's block manifest (kept by this client for
/// every snapshot it uploads or downloads) only blocks whose content differs are sent; without one, the
/// parent's block list says where it has data, and every non-zero block of the image is sent, plus a zero block
/// wherever the parent has data and the image has none.
///
/// The EBS APIs list no blocks of a pending snapshot, so on a rerun the journal alone says what was
/// acknowledged: blocks in flight at an interruption (at most `concurrency`) are sent again.
public struct EBSSnapshotUpload: Sendable {
    public struct Result: Sendable, Equatable {
        public let snapshotID: String
        public let status: String
        public let volumeSize: Int64
        public let blocksWritten: Int
        public let blocksSent: Int
        public let resumed: Bool
        public let parentManifestUsed: Bool
    }

    public let ebs: EBSClient
    public let ec2: EC2SnapshotClient
    public let source: PartSource
    public let sourceIdentity: [String: String]
    public let parentSnapshotID: String?
    public let description: String?
    public let concurrency: Int
    public let journals: TransferJournalDirectory
    public let progress: TransferProgressReporter

    public init(ebs: EBSClient, ec2: EC2SnapshotClient, source: PartSource, sourceIdentity: [String: String],
                parentSnapshotID: String?, description: String?, concurrency: Int, journals: TransferJournalDirectory,
                progress: TransferProgressReporter) {
        self.ebs = ebs
        self.ec2 = ec2
        self.source = source
        self.sourceIdentity = sourceIdentity
        self.parentSnapshotID = parentSnapshotID
        self.description = description
        self.concurrency = max(1, concurrency)
        self.journals = journals
        self.progress = progress
    }

    static let kind = "ebs-upload"
    static let blockSize = Int64(EBSClient.blockSize)
    static let gib: Int64 = 1 << 30
    static let zeroDigest = SHA256Value(SHA256.hash(data: [UInt8](repeating: 0, count: EBSClient.blockSize)))
    static let zeroChecksum = EBSLinearChecksum.base64(zeroDigest)

    /// What the parent snapshot holds, as far as this client can tell.
    struct ParentContent {
        /// From its manifest: the checksum of every block with data. nil without a manifest.
        var checksums: [Int64: String]?
        /// The blocks it has data in (from the manifest, or its block list).
        var indexes: Set<Int64> = []

        /// Whether writing a block with `checksum` at `index` changes the snapshot's content.
        func differs(at index: Int64, from checksum: String) -> Bool {
            if let checksums { return (checksums[index] ?? EBSSnapshotUpload.zeroChecksum) != checksum }
            // No manifest: a block with data may equal the parent's, but there is no way to know.
            return checksum != EBSSnapshotUpload.zeroChecksum || indexes.contains(index)
        }
    }

    public func run() async throws -> Result {
        defer { progress.finish() }
        guard let size = source.size, size > 0 else { throw EBSTransferError.emptyImage }
        progress.setTotal(size)
        let volumeSize = max(1, (size + Self.gib - 1) / Self.gib)
        let manifests = EBSBlockManifest.directory(journals: journals)

        var parent = ParentContent()
        if let parentSnapshotID {
            if let manifest = EBSBlockManifest.load(parentSnapshotID, from: manifests) {
                parent.checksums = manifest.blocks
                parent.indexes = Set(manifest.blocks.keys)
            } else {
                progress.status("no local manifest of \(parentSnapshotID): every non-zero block is sent")
                parent.indexes = Set(try await ebs.allSnapshotBlocks(snapshotID: parentSnapshotID).blocks.map(\.BlockIndex))
            }
        }

        var identity = sourceIdentity
        identity["endpoint"] = ebs.service.endpoint.absoluteString
        identity["accessKey"] = ebs.service.credentialProvider.identity
        identity["parent"] = parentSnapshotID ?? ""
        let journalURL = journals.journalURL(kind: Self.kind, identity: identity)
        var recorded: [Int: String] = [:]
        let snapshotID: String
        let journalFile: TransferJournalFile
        if let journal = TransferJournal.read(at: journalURL), journal.header.identity == identity,
           (try? await ec2.describeSnapshot(journal.header.session).status) == "pending" {
            snapshotID = journal.header.session
            recorded = journal.entries
            journalFile = try TransferJournalFile(appendingTo: journalURL)
            progress.status("resuming snapshot \(snapshotID): \(recorded.count) blocks already acknowledged")
        } else {
            let started = try await ebs.startSnapshot(volumeSize: volumeSize, parentSnapshotID: parentSnapshotID,
                                                      description: description, clientToken: UUID().uuidString,
                                                      timeoutMinutes: nil)
            snapshotID = started.SnapshotId
            journalFile = try TransferJournalFile(creating: journalURL, header: TransferJournal.Header(
                kind: Self.kind, identity: identity, session: snapshotID, partSize: Self.blockSize, totalSize: size))
        }

        let blockCount = (size + Self.blockSize - 1) / Self.blockSize
        var written: [Int64: String] = [:]   // every block this snapshot gets: recorded earlier or sent now
        for (index, checksum) in recorded { written[Int64(index)] = checksum }
        var imageChecksums: [Int64: String] = [:]   // the image's blocks with data, for its manifest
        var sent = 0
        try await withThrowingTaskGroup(of: (Int64, String).self) { group in
            var inFlight = 0
            func settle(_ done: (index: Int64, checksum: String)) throws {
                written[done.index] = done.checksum
                try journalFile.record(.init(part: Int(done.index), hash: done.checksum))
            }
            func enqueue(_ index: Int64, _ body: [ByteBuffer], _ digest: SHA256Value, bytes: Int64) async throws {
                try await group.makeRoom(running: &inFlight, limit: concurrency, settle: settle)
                group.addTask {
                    let answered = try await send(body, digest: digest, index: index, snapshotID: snapshotID, of: blockCount)
                    progress.advance(bytes, sent: true)
                    return (index, answered)
                }
                inFlight += 1
                sent += 1
            }
            var index: Int64 = 0
            while index < blockCount {
                let offset = index * Self.blockSize
                let length = min(Self.blockSize, size - offset)
                if let data = nextData(from: offset), data >= offset + length {
                    // A hole up to `data`: its whole blocks are zeros, never read; sent only to clear a parent's data.
                    let last = data >= size ? blockCount - 1 : max(index, data / Self.blockSize - 1)
                    for hole in index...last {
                        let bytes = min(Self.blockSize, size - hole * Self.blockSize)
                        if recorded[Int(hole)] == nil, parent.differs(at: hole, from: Self.zeroChecksum) {
                            try await enqueue(hole, Self.zeroBlock(), Self.zeroDigest, bytes: bytes)
                        } else {
                            progress.advance(bytes, sent: false)
                        }
                    }
                    index = last + 1
                    continue
                }
                let read = try source.readBytes(offset: offset, length: length)
                let body = read.count < Self.blockSize
                    ? read.buffers + [ByteBuffer(repeating: 0, count: Int(Self.blockSize - read.count))] : read.buffers
                let digest = body.allSatisfy(Self.isZero) ? Self.zeroDigest : Self.sha256(body)
                let checksum = EBSLinearChecksum.base64(digest)
                if digest != Self.zeroDigest { imageChecksums[index] = checksum }
                if recorded[Int(index)] == nil, parent.differs(at: index, from: checksum) {
                    try await enqueue(index, body, digest, bytes: read.count)
                } else {
                    progress.advance(read.count, sent: false)
                }
                index += 1
            }
            try await group.settleRemaining(settle)
        }

        let ordered = written.keys.sorted()
        let linear = EBSLinearChecksum.aggregate(ordered.compactMap { written[$0].flatMap(EBSLinearChecksum.digest(base64:)) })
        let status = try await ebs.completeSnapshot(snapshotID: snapshotID, changedBlocksCount: ordered.count,
                                                    linearChecksum: linear)
        journalFile.remove()
        try? EBSBlockManifest(snapshotId: snapshotID, volumeSize: volumeSize, blocks: imageChecksums).save(in: manifests)
        return Result(snapshotID: snapshotID, status: status, volumeSize: volumeSize, blocksWritten: ordered.count,
                      blocksSent: sent, resumed: !recorded.isEmpty, parentManifestUsed: parent.checksums != nil)
    }

    /// The first offset at or after `offset` that holds data (`SEEK_DATA`); nil when the file system cannot say.
    private func nextData(from offset: Int64) -> Int64? {
        let found = lseek(source.descriptor, off_t(offset), seekData)
        if found < 0 { return errno == ENXIO ? source.size : nil }
        return Int64(found)
    }

    private func send(_ body: [ByteBuffer], digest sha: SHA256Value, index: Int64, snapshotID: String,
                      of blockCount: Int64) async throws -> String {
        let answered = try await ebs.putSnapshotBlock(snapshotID: snapshotID, index: index, body: body, sha256: sha,
                                                      progress: Int(index * 100 / max(blockCount, 1)))
        let mine = EBSLinearChecksum.base64(sha)
        guard answered == mine else { throw EBSTransferError.checksumMismatch(index: index, sent: mine, answered: answered) }
        return mine
    }

    static func zeroBlock() -> [ByteBuffer] {
        [ByteBuffer(repeating: 0, count: EBSClient.blockSize)]
    }

    static func isZero(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            let words = bytes.count / 8
            while index < words {
                if bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) != 0 { return false }
                index += 1
            }
            for byte in bytes[(words * 8)...] where byte != 0 { return false }
            return true
        }
    }

    static func sha256(_ buffers: [ByteBuffer]) -> SHA256Value {
        var hasher = SHA256()
        for buffer in buffers { buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        return SHA256Value(hasher.finalize())
    }
}

public enum EBSTransferError: Error, Sendable, CustomStringConvertible {
    case emptyImage
    case checksumMismatch(index: Int64, sent: String, answered: String)
    case snapshotNotCompleted(String, status: String, message: String?)

    public var description: String {
        switch self {
        case .emptyImage: "the image is empty or not a regular file: nothing to snapshot"
        case .checksumMismatch(let index, let sent, let answered):
            "block \(index): the service computed checksum \(answered), the client \(sent)"
        case .snapshotNotCompleted(let id, let status, let message):
            "snapshot \(id) is \(status)" + (message.map { ": \($0)" } ?? "")
        }
    }
}
