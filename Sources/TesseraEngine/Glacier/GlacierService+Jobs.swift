import Foundation
import NIOCore
import TesseraCore
import TesseraStorage

/// A job and whether it has finished, as DescribeJob and ListJobs report it.
public struct JobStatus: Sendable {
    public let job: JobRecord
    public let completed: Bool
}

/// The bytes GetJobOutput sends.
public struct JobOutput: Sendable {
    public let contentType: String
    /// The part of the job's output sent (half-open, relative to the output).
    public let range: Range<Int64>
    /// The job output's whole length.
    public let totalLength: Int64
    /// Whether the client asked for a range (then the answer is 206 with Content-Range).
    public let isPartial: Bool
    /// The tree hash of the bytes sent, when they are tree-hash aligned within the archive.
    public let treeHash: SHA256Value?
    public let archiveDescription: String?
    public let body: any BlobReader
}

extension GlacierService {
    /// How long a job stays listed and downloadable after it completes (AWS keeps jobs at least 24 hours).
    public static let jobRetention: TimeInterval = 24 * 3600

    /// InitiateJob: archive retrieval (whole or a MiB-aligned range) or inventory retrieval (JSON or CSV).
    /// An inventory is taken when the job starts; the job turns Succeeded after the configured delay.
    public func initiateJob(accountID: String, vault: String, region: String, parameters: GlacierJobParameters?) async throws -> JobRecord {
        _ = try await requireVault(accountID, vault)
        guard let parameters else { throw EngineError.missingParameter("Required parameter missing: Job Parameters") }
        let now = clock.now
        let tier = parameters.tier ?? "Standard"
        guard ["Expedited", "Standard", "Bulk"].contains(tier) else { throw EngineError.invalidParameter("Invalid tier: \(tier)") }
        let description = try parameters.description.map { try GlacierRules.description($0, what: "job description") }
        let action: JobRecord.Action
        switch parameters.type {
        case "archive-retrieval": action = .archiveRetrieval
        case "inventory-retrieval": action = .inventoryRetrieval
        case nil: throw EngineError.missingParameter("Required parameter missing: Type")
        case let other?: throw EngineError.invalidParameter("Invalid job type: \(other)")
        }
        var job = JobRecord(id: RandomID.urlSafe(length: 92), accountID: accountID, vaultName: vault, action: action,
                            description: description, tier: tier, snsTopic: parameters.snsTopic, createdAt: now,
                            completesAt: now.addingTimeInterval(jobDelay))
        switch action {
        case .archiveRetrieval:
            try await prepareArchiveRetrieval(&job, parameters)
        case .inventoryRetrieval:
            try await prepareInventory(&job, parameters, region: region)
        }
        try await storage { try await metadata.insertJob(job) }
        return job
    }

    public func describeJob(accountID: String, vault: String, jobID: String) async throws -> JobStatus {
        _ = try await requireVault(accountID, vault)
        let now = clock.now
        guard let job = try await storage({ try await metadata.job(accountID: accountID, vaultName: vault, id: jobID) }),
              job.completesAt.addingTimeInterval(Self.jobRetention) >= now else {
            throw EngineError.jobNotFound(id: jobID)
        }
        return JobStatus(job: job, completed: job.completesAt <= now)
    }

    /// ListJobs: oldest first; `marker` is the id of the first job to list.
    public func listJobs(accountID: String, vault: String, marker: String?, limit: String?, statusCode: String?,
                         completed: String?) async throws -> (jobs: [JobStatus], nextMarker: String?) {
        _ = try await requireVault(accountID, vault)
        let limit = try GlacierRules.limit(limit, default: 50)
        if let statusCode, !["InProgress", "Succeeded", "Failed"].contains(statusCode) {
            throw EngineError.invalidParameter("The job status code is not valid: \(statusCode)")
        }
        var completedFilter: Bool?
        switch completed {
        case nil: completedFilter = nil
        case "true": completedFilter = true
        case "false": completedFilter = false
        case let other?: throw EngineError.invalidParameter("The value for completed is not valid: \(other)")
        }
        let now = clock.now
        let filter = JobFilter(completed: completedFilter, statusCode: statusCode, now: now,
                               expiredBefore: now.addingTimeInterval(-Self.jobRetention))
        let page = try await markerPage(marker) {
            try await metadata.listJobs(accountID: accountID, vaultName: vault, filter: filter, fromID: marker, limit: limit + 1)
        }
        let statuses = page.prefix(limit).map { JobStatus(job: $0, completed: $0.completesAt <= now) }
        return (statuses, page.count > limit ? page[limit].id : nil)
    }

    /// GetJobOutput: the job's bytes, or the `Range: bytes=S-E` of them (relative to the job's output).
    public func getJobOutput(accountID: String, vault: String, jobID: String, range rangeHeader: String?) async throws -> JobOutput {
        let status = try await describeJob(accountID: accountID, vault: vault, jobID: jobID)
        guard status.completed else { throw EngineError.jobNotReady(id: jobID) }
        let job = status.job
        let total: Int64
        switch job.action {
        case .archiveRetrieval: total = job.range?.count ?? 0
        case .inventoryRetrieval: total = job.outputSize ?? 0
        }
        let wanted = try Self.parseRange(rangeHeader, total: total)
        switch job.action {
        case .inventoryRetrieval:
            guard let blob = job.outputBlob else { throw EngineError.storageFailure("inventory job \(jobID) has no output") }
            let reader = try await storage {
                try await ConcatenatedBlobReader.opened(blobs: blobs, segments: [BlobSegment(blob: blob, length: total)], range: wanted)
            }
            return JobOutput(contentType: job.format == "CSV" ? "text/csv" : "application/json", range: wanted, totalLength: total,
                             isPartial: rangeHeader != nil, treeHash: nil, archiveDescription: nil, body: reader)
        case .archiveRetrieval:
            guard let archiveID = job.archiveID, let jobRange = job.range, let archiveSize = job.archiveSize else {
                throw EngineError.storageFailure("archive job \(jobID) lacks its archive")
            }
            // A live archive comes with its segments; one deleted after the job started is read by id.
            let live = try await storage { try await metadata.archive(accountID: accountID, vaultName: vault, id: archiveID) }
            var segments = live?.segments ?? []
            if live == nil { segments = try await storage { try await metadata.archiveSegments(id: archiveID) } }
            let inArchive = (jobRange.first + wanted.lowerBound)..<(jobRange.first + wanted.upperBound)
            var treeHash: SHA256Value?
            if wanted == 0..<total {
                treeHash = job.rangeTreeHash
            } else if job.rangeTreeHash != nil, TreeHash.isAligned(inArchive, archiveSize: archiveSize) {
                treeHash = try await treeHashOf(segments: segments, range: inArchive)
            }
            let reader = try await storage { try await ConcatenatedBlobReader.opened(blobs: blobs, segments: segments, range: inArchive) }
            return JobOutput(contentType: "application/octet-stream", range: wanted, totalLength: total, isPartial: rangeHeader != nil,
                             treeHash: treeHash, archiveDescription: live?.description, body: reader)
        }
    }

    private func prepareArchiveRetrieval(_ job: inout JobRecord, _ parameters: GlacierJobParameters) async throws {
        guard let archiveID = parameters.archiveID else { throw EngineError.missingParameter("Required parameter missing: ArchiveId") }
        guard let archive = try await storage({
            try await metadata.archive(accountID: job.accountID, vaultName: job.vaultName, id: archiveID)
        }) else { throw EngineError.archiveNotFound(id: archiveID) }
        let mib = Int64(TreeHash.chunkSize)
        var range = InclusiveByteRange(first: 0, last: archive.size - 1)
        if let text = parameters.retrievalByteRange {
            guard let asked = InclusiveByteRange(dashed: text), asked.last < archive.size, asked.first % mib == 0,
                  (asked.last + 1) % mib == 0 || asked.last == archive.size - 1 else {
                throw EngineError.invalidParameter(
                    "Invalid RetrievalByteRange: \(text). The range must start at a megabyte boundary and end at one or at the end of the archive.")
            }
            range = asked
        }
        guard let range else { throw EngineError.storageFailure("archive \(archiveID) is empty") }
        job.archiveID = archiveID
        job.archiveSize = archive.size
        job.archiveTreeHash = archive.treeHash
        job.range = range
        if range.count == archive.size {
            job.rangeTreeHash = archive.treeHash
        } else if TreeHash.isAligned(range.halfOpen, archiveSize: archive.size) {
            job.rangeTreeHash = try await treeHashOf(segments: archive.segments, range: range.halfOpen)
        }
    }

    private func prepareInventory(_ job: inout JobRecord, _ parameters: GlacierJobParameters, region: String) async throws {
        let format = parameters.format ?? "JSON"
        guard format == "JSON" || format == "CSV" else { throw EngineError.invalidParameter("Invalid format: \(format)") }
        if parameters.archiveID != nil {
            throw EngineError.invalidParameter("ArchiveId is not allowed for an inventory-retrieval job")
        }
        let start = try parameters.inventoryStartDate.map { try Self.parseDate($0, "StartDate") }
        let end = try parameters.inventoryEndDate.map { try Self.parseDate($0, "EndDate") }
        var limit: Int?
        if let text = parameters.inventoryLimit {
            guard let value = Int(text), value >= 1 else { throw EngineError.invalidParameter("Invalid Limit: \(text)") }
            limit = value
        }
        var archives = try await storage { try await metadata.listArchives(accountID: job.accountID, vaultName: job.vaultName) }
        archives = archives.filter { archive in
            (start.map { archive.createdAt >= $0 } ?? true) && (end.map { archive.createdAt < $0 } ?? true)
        }
        if let marker = parameters.inventoryMarker {
            guard let index = archives.firstIndex(where: { $0.id == marker }) else {
                throw EngineError.invalidParameter("Invalid Marker: \(marker)")
            }
            archives = Array(archives[index...])
        }
        var nextMarker: String?
        if let limit, archives.count > limit {
            nextMarker = archives[limit].id
            archives = Array(archives.prefix(limit))
        }
        let arn = Self.vaultARN(region: region, accountID: job.accountID, vault: job.vaultName)
        let output = GlacierInventory.render(archives: archives, vaultARN: arn, at: job.createdAt, format: format)
        job.outputBlob = try await ingest.store(output)
        job.outputSize = Int64(output.count)
        job.format = format
        let echoed = InventoryParameters(Format: format, StartDate: parameters.inventoryStartDate, EndDate: parameters.inventoryEndDate,
                                         Limit: parameters.inventoryLimit, Marker: nextMarker)
        job.inventoryParametersJSON = (try? JSONEncoder().encode(echoed)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads a range of an archive to compute its tree hash (for aligned sub-ranges; whole archives use the stored hash).
    private func treeHashOf(segments: [BlobSegment], range: Range<Int64>) async throws -> SHA256Value {
        let reader = ConcatenatedBlobReader(blobs: blobs, segments: segments, range: range)
        var hasher = TreeHasher()
        while let buffer = try await storage({ try await reader.next() }) {
            buffer.withUnsafeReadableBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }

    static func parseDate(_ text: String, _ name: String) throws -> Date {
        guard let date = ISO8601Timestamp.parse(text) else { throw EngineError.invalidParameter("Invalid \(name): \(text)") }
        return date
    }

    /// Parses `bytes=S-E` or `bytes=S-` against an output of `total` bytes.
    static func parseRange(_ header: String?, total: Int64) throws -> Range<Int64> {
        guard let header else { return 0..<total }
        guard let range = RangeHeader.parse(header, total: total) else {
            throw EngineError.invalidParameter("Invalid Range: \(header) for \(total) bytes")
        }
        return range
    }
}
