import Crypto
import Foundation
import NIOCore
import TesseraCore
import TesseraWire

/// Downloads a completed snapshot into a sparse file: the file is sized to the volume, every block the
/// snapshot holds is fetched (up to `concurrency` at once) and checked against its `x-amz-Checksum` as it
/// streams, and only blocks with data are written, so zeros stay holes. Bytes go to `OUT.tessera-partial`
/// and take OUT's name when complete; each finished block is recorded in the resume journal after the file
/// is flushed, so a rerun fetches only the rest.
public struct EBSSnapshotDownload: Sendable {
    public struct Result: Sendable, Equatable {
        public let snapshotID: String
        public let volumeSize: Int64
        public let blocks: Int
        public let blocksFetched: Int
        public let resumed: Bool
    }

    public let ebs: EBSClient
    public let snapshotID: String
    public let output: URL
    public let concurrency: Int
    public let journals: TransferJournalDirectory
    public let progress: TransferProgressReporter

    public init(ebs: EBSClient, snapshotID: String, output: URL, concurrency: Int, journals: TransferJournalDirectory,
                progress: TransferProgressReporter) {
        self.ebs = ebs
        self.snapshotID = snapshotID
        self.output = output
        self.concurrency = max(1, concurrency)
        self.journals = journals
        self.progress = progress
    }

    static let kind = "ebs-download"
    static let blockSize = Int64(EBSClient.blockSize)

    public var partialURL: URL { output.appendingPathExtension("tessera-partial") }

    public func run() async throws -> Result {
        defer { progress.finish() }
        let listed = try await ebs.allSnapshotBlocks(snapshotID: snapshotID)
        let size = listed.volumeSize << 30
        progress.setTotal(Int64(listed.blocks.count) * Self.blockSize)
        let identity = ["endpoint": ebs.service.endpoint.absoluteString, "accessKey": ebs.service.credentialProvider.identity,
                        "snapshot": snapshotID, "output": output.path]
        let journalURL = journals.journalURL(kind: Self.kind, identity: identity)
        var recorded: [Int: String] = [:]
        let journalFile: TransferJournalFile
        if let journal = TransferJournal.read(at: journalURL), journal.header.identity == identity,
           FileManager.default.fileExists(atPath: partialURL.path) {
            recorded = journal.entries
            journalFile = try TransferJournalFile(appendingTo: journalURL)
            progress.status("resuming: \(recorded.count) blocks already here")
        } else {
            unlink(partialURL.path)
            journalFile = try TransferJournalFile(creating: journalURL, header: TransferJournal.Header(
                kind: Self.kind, identity: identity, session: snapshotID, partSize: Self.blockSize, totalSize: size))
        }
        let fd = open(partialURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }

        var checksums: [Int64: String] = [:]
        for (index, checksum) in recorded {
            checksums[Int64(index)] = checksum
            progress.advance(Self.blockSize, sent: false)
        }
        var fetched = 0
        try await withThrowingTaskGroup(of: (Int64, String).self) { group in
            var inFlight = 0
            func settle(_ done: (index: Int64, checksum: String)) throws {
                checksums[done.index] = done.checksum
                try journalFile.record(.init(part: Int(done.index), hash: done.checksum))
            }
            for block in listed.blocks where recorded[Int(block.BlockIndex)] == nil {
                try await group.makeRoom(running: &inFlight, limit: concurrency, settle: settle)
                group.addTask {
                    (block.BlockIndex, try await fetch(block, into: fd))
                }
                inFlight += 1
                fetched += 1
            }
            try await group.settleRemaining(settle)
        }
        guard fsync(fd) == 0, rename(partialURL.path, output.path) == 0 else {
            throw LocalFileError(path: output.path, code: errno, doing: "write")
        }
        journalFile.remove()
        let zero = EBSSnapshotUpload.zeroChecksum
        try? EBSBlockManifest(snapshotId: snapshotID, volumeSize: listed.volumeSize,
                              blocks: checksums.filter { $0.value != zero })
            .save(in: EBSBlockManifest.directory(journals: journals))
        return Result(snapshotID: snapshotID, volumeSize: listed.volumeSize, blocks: listed.blocks.count,
                      blocksFetched: fetched, resumed: !recorded.isEmpty)
    }

    /// Fetches one block, verifies it and writes it unless it is all zeros; retried as a whole on a dropped
    /// connection or a checksum that does not match.
    private func fetch(_ block: EBSBlock, into fd: Int32) async throws -> String {
        try await ebs.service.retry.run(isRetryable: AWSServiceClient.isRetryable) { _ in
            try await ebs.getSnapshotBlock(snapshotID: snapshotID, index: block.BlockIndex, token: block.BlockToken) { response, body in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(EBSClient.blockSize)
                for try await chunk in body {
                    var chunk = chunk
                    guard buffer.readableBytes + chunk.readableBytes <= EBSClient.blockSize else { break }
                    buffer.writeBuffer(&chunk)
                }
                let endpoint = ebs.service.endpoint.absoluteString
                guard buffer.readableBytes == EBSClient.blockSize else {
                    throw AWSTransportError(.connectionLost, endpoint: endpoint,
                                            detail: "block \(block.BlockIndex) arrived with \(buffer.readableBytes) bytes")
                }
                let checksum = EBSLinearChecksum.base64(EBSSnapshotUpload.sha256([buffer]))
                if let answered = response.header("x-amz-Checksum"), answered != checksum {
                    throw AWSTransportError(.connectionLost, endpoint: endpoint,
                                            detail: "block \(block.BlockIndex) arrived with checksum \(checksum), not \(answered)")
                }
                if !EBSSnapshotUpload.isZero(buffer) {
                    let offset = block.BlockIndex * Self.blockSize
                    try buffer.withUnsafeReadableBytes { bytes in
                        var written = 0
                        while written < bytes.count {
                            let count = posixPwrite(fd, bytes.baseAddress.map { $0 + written }, bytes.count - written,
                                                    offset + Int64(written))
                            guard count > 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
                            written += count
                        }
                    }
                    guard fdatasync(fd) == 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
                }
                progress.advance(Self.blockSize, sent: true)
                return checksum
            }
        }
    }
}
