import Foundation
import NIOCore
import TesseraCore
import TesseraWire

/// Retrieves an archive into a local file: starts an archive-retrieval job (or picks up the one a journal
/// names), waits for it, then fetches its output in ranges, up to `concurrency` at once, each range's tree hash
/// checked against the service's as it streams to disk, and the whole archive's tree hash at the end. Bytes
/// go to `OUT.tessera-partial`; the file gets its name only once verified. Each finished range is flushed to
/// disk and recorded in the resume journal, so a rerun fetches only the ranges not yet recorded.
public struct GlacierArchiveDownload: Sendable {
    public struct Result: Sendable, Equatable {
        public let jobID: String
        public let size: Int64
        public let treeHash: SHA256Value
        public let resumed: Bool
    }

    public let glacier: GlacierClient
    public let vault: String
    public let archiveID: String
    public let output: URL
    public let rangeSize: Int64
    public let concurrency: Int
    public let tier: String?
    public let waiter: GlacierJobWaiter
    public let journals: TransferJournalDirectory
    public let progress: TransferProgressReporter

    public init(glacier: GlacierClient, vault: String, archiveID: String, output: URL, rangeSize: Int64,
                concurrency: Int, tier: String?, waiter: GlacierJobWaiter, journals: TransferJournalDirectory,
                progress: TransferProgressReporter) {
        self.glacier = glacier
        self.vault = vault
        self.archiveID = archiveID
        self.output = output
        self.rangeSize = rangeSize
        self.concurrency = max(1, concurrency)
        self.tier = tier
        self.waiter = waiter
        self.journals = journals
        self.progress = progress
    }

    static let kind = "glacier-download"

    public var partialURL: URL { output.appendingPathExtension("tessera-partial") }

    public func run() async throws -> Result {
        defer { progress.finish() }
        let identity = ["endpoint": glacier.service.endpoint.absoluteString,
                        "accessKey": glacier.service.credentialProvider.identity, "vault": vault, "archiveId": archiveID,
                        "output": output.path]
        let journalURL = journals.journalURL(kind: Self.kind, identity: identity)
        var entries: [Int: String] = [:]
        var jobID: String?
        if let journal = TransferJournal.read(at: journalURL), journal.header.identity == identity,
           journal.header.partSize == rangeSize, FileManager.default.fileExists(atPath: partialURL.path),
           await jobStillUsable(journal.header.session) {
            jobID = journal.header.session
            entries = journal.entries
            progress.status("resuming retrieval job \(journal.header.session): \(entries.count) ranges already here")
        }
        let resumed = jobID != nil
        let job: GlacierJobDescription
        let journalFile: TransferJournalFile
        if let jobID {
            job = try await waiter.waitForCompletion(vault: vault, jobID: jobID, progress: progress)
            journalFile = try TransferJournalFile(appendingTo: journalURL)
        } else {
            let started = try await glacier.initiateJob(
                vault: vault, parameters: GlacierJobParametersInput(Type: "archive-retrieval", ArchiveId: archiveID, Tier: tier))
            journalFile = try TransferJournalFile(creating: journalURL, header: TransferJournal.Header(
                kind: Self.kind, identity: identity, session: started, partSize: rangeSize, totalSize: nil))
            unlink(partialURL.path)
            job = try await waiter.waitForCompletion(vault: vault, jobID: started, progress: progress)
        }
        guard let size = job.ArchiveSizeInBytes else { throw GlacierJobError.sizeUnknown(jobID: job.JobId) }
        progress.setTotal(size)

        let fd = open(partialURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }

        let rangeCount = Int((size + rangeSize - 1) / rangeSize)
        var hashes: [Int: SHA256Value] = [:]
        for (index, hex) in entries where index < rangeCount {
            guard let hash = SHA256Value(hex: hex) else { continue }
            hashes[index] = hash
            progress.advance(min(rangeSize, size - Int64(index) * rangeSize), sent: false)
        }
        try await withThrowingTaskGroup(of: (Int, SHA256Value).self) { group in
            var inFlight = 0
            func settle(_ done: (index: Int, hash: SHA256Value)) throws {
                hashes[done.index] = done.hash
                try journalFile.record(.init(part: done.index, hash: done.hash.hex))
            }
            for index in 0..<rangeCount where hashes[index] == nil {
                try await group.makeRoom(running: &inFlight, limit: concurrency, settle: settle)
                let first = Int64(index) * rangeSize
                guard let range = InclusiveByteRange(first: first, last: min(first + rangeSize, size) - 1) else { continue }
                group.addTask {
                    let hash = try await fetch(range, jobID: job.JobId, archiveSize: size, into: fd)
                    return (index, hash)
                }
                inFlight += 1
            }
            try await group.settleRemaining(settle)
        }
        let treeHash = TreeHash.root(of: (0..<rangeCount).compactMap { hashes[$0] })
        if let expected = job.SHA256TreeHash ?? job.ArchiveSHA256TreeHash, expected != treeHash.hex {
            journalFile.remove()
            throw GlacierJobError.treeHashMismatch(expected: expected, computed: treeHash.hex)
        }
        guard fsync(fd) == 0, rename(partialURL.path, output.path) == 0 else {
            throw LocalFileError(path: output.path, code: errno, doing: "write")
        }
        journalFile.remove()
        return Result(jobID: job.JobId, size: size, treeHash: treeHash, resumed: resumed)
    }

    private func jobStillUsable(_ jobID: String) async -> Bool {
        guard let job = try? await glacier.describeJob(vault: vault, jobID: jobID) else { return false }
        return !job.Completed || job.StatusCode == "Succeeded"
    }

    /// Streams one range to its place in the file, hashing it on the way; retried as a whole when the
    /// connection drops or the bytes do not match the service's tree hash.
    private func fetch(_ range: InclusiveByteRange, jobID: String, archiveSize: Int64, into fd: Int32) async throws -> SHA256Value {
        try await glacier.service.retry.run(isRetryable: AWSServiceClient.isRetryable) { _ in
            try await glacier.jobOutput(vault: vault, jobID: jobID, range: range) { response, body in
                var tree = TreeHasher()
                var offset = range.first
                for try await chunk in body {
                    try chunk.withUnsafeReadableBytes { bytes in
                        tree.update(bytes)
                        var written = 0
                        while written < bytes.count {
                            let count = posixPwrite(fd, bytes.baseAddress.map { $0 + written }, bytes.count - written,
                                                    offset + Int64(written))
                            guard count > 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
                            written += count
                        }
                    }
                    offset += Int64(chunk.readableBytes)
                }
                let endpoint = glacier.service.endpoint.absoluteString
                guard offset == range.last + 1 else {
                    throw AWSTransportError(.connectionLost, endpoint: endpoint,
                                            detail: "range \(range) ended after \(offset - range.first) bytes")
                }
                let hash = tree.finalize()
                if let answered = response.header("x-amz-sha256-tree-hash"), answered != hash.hex {
                    throw AWSTransportError(.connectionLost, endpoint: endpoint,
                                            detail: "range \(range) arrived with tree hash \(hash.hex), not \(answered)")
                }
                guard fdatasync(fd) == 0 else { throw LocalFileError(path: partialURL.path, code: errno, doing: "write") }
                progress.advance(range.count, sent: true)
                return hash
            }
        }
    }
}
