import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Archive-retrieval jobs: the delay, the output, and ranges of it.
struct ArchiveRetrievalJobTests {
    static let mib = EngineFixture.mib
    static let archive = TestData.bytes(count: 4 * mib + 777, seed: 91)

    @Test func jobIsInProgressUntilItsDelayHasPassed() async throws {
        try await withEngine(jobDelay: 60) { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID)
            let before = try await engine.service.describeJob(accountID: engine.account, vault: engine.vault, jobID: job.id)
            #expect(!before.completed)
            #expect(before.job.archiveID == created.archiveID)
            #expect(before.job.archiveSize == Int64(Self.archive.count))
            #expect(before.job.archiveTreeHash == TreeHash.of(Self.archive))
            await expectEngineError(.jobNotReady(id: job.id)) {
                _ = try await engine.output(job.id)
            }

            engine.clock.advance(by: 59)
            #expect(try await !engine.service.describeJob(accountID: engine.account, vault: engine.vault, jobID: job.id).completed)
            engine.clock.advance(by: 1)
            #expect(try await engine.service.describeJob(accountID: engine.account, vault: engine.vault, jobID: job.id).completed)

            let (output, bytes) = try await engine.output(job.id)
            expectSameBytes(bytes, Self.archive)
            #expect(output.totalLength == Int64(Self.archive.count))
            #expect(output.treeHash == TreeHash.of(Self.archive))
            #expect(!output.isPartial)
            #expect(output.archiveDescription == "single")
        }
    }

    @Test func listJobsFiltersByCompletion() async throws {
        try await withEngine(jobDelay: 60) { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let early = try await engine.retrieve(created.archiveID)
            engine.clock.advance(by: 30)
            let late = try await engine.retrieve(created.archiveID)
            engine.clock.advance(by: 30)
            func ids(_ completed: String?, _ status: String?) async throws -> [String] {
                try await engine.service.listJobs(accountID: engine.account, vault: engine.vault, marker: nil, limit: nil,
                                                  statusCode: status, completed: completed).jobs.map(\.job.id)
            }
            #expect(try await ids(nil, nil) == [early.id, late.id])
            #expect(try await ids("true", nil) == [early.id])
            #expect(try await ids("false", nil) == [late.id])
            #expect(try await ids(nil, "InProgress") == [late.id])
            #expect(try await ids(nil, "Succeeded") == [early.id])
        }
    }

    @Test func rangedRetrievalReturnsThoseBytesWithTheirTreeHash() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID, range: "\(2 * Self.mib)-\(4 * Self.mib - 1)")
            let slice = Array(Self.archive[(2 * Self.mib)..<(4 * Self.mib)])
            #expect(job.rangeTreeHash == TreeHash.of(slice), "an aligned range carries its own tree hash")
            let (output, bytes) = try await engine.output(job.id)
            expectSameBytes(bytes, slice)
            #expect(output.treeHash == TreeHash.of(slice))
        }
    }

    @Test func rangedRetrievalToTheEndOfTheArchive() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID, range: "\(4 * Self.mib)-\(Self.archive.count - 1)")
            let slice = Array(Self.archive[(4 * Self.mib)...])
            expectSameBytes(try await engine.output(job.id).bytes, slice)
            #expect(job.rangeTreeHash == TreeHash.of(slice))
        }
    }

    @Test func misalignedRangeIsAcceptedWithoutATreeHashWhenNotANode() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID, range: "\(Self.mib)-\(3 * Self.mib - 1)")
            #expect(job.rangeTreeHash == nil, "MiB 1..<3 is MiB-aligned but not a node of the tree")
            expectSameBytes(try await engine.output(job.id).bytes, Array(Self.archive[Self.mib..<(3 * Self.mib)]))
        }
    }

    @Test(arguments: ["1-1048576", "0-1048574", "0-99999999", "5-4", "abc"])
    func retrievalRangeOffMebibyteBoundariesIsRefused(_ range: String) async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.retrieve(created.archiveID, range: range)
            }
        }
    }

    @Test func getJobOutputRangeIsRelativeToTheOutput() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID, range: "\(Self.mib)-\(2 * Self.mib - 1)")
            let (output, bytes) = try await engine.output(job.id, range: "bytes=100-199")
            expectSameBytes(bytes, Array(Self.archive[(Self.mib + 100)..<(Self.mib + 200)]))
            #expect(output.isPartial)
            #expect(output.range == 100..<200)
            #expect(output.totalLength == Int64(Self.mib))
            #expect(output.treeHash == nil, "100 bytes inside a leaf are not a node")
        }
    }

    @Test func getJobOutputOfAnAlignedSubRangeCarriesItsTreeHash() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID)
            let (output, bytes) = try await engine.output(job.id, range: "bytes=\(2 * Self.mib)-\(4 * Self.mib - 1)")
            expectSameBytes(bytes, Array(Self.archive[(2 * Self.mib)..<(4 * Self.mib)]))
            #expect(output.treeHash == TreeHash.of(bytes))
        }
    }

    @Test func corruptedArchiveBlobFailsTheOutputInsteadOfSendingWrongBytes() async throws {
        try await withEngine { engine in
            let created = try await engine.uploadArchive(Self.archive)
            let job = try await engine.retrieve(created.archiveID)
            #expect(await engine.blobs.corrupt(SHA256Value.of(Self.archive)))
            let output = try await engine.service.getJobOutput(accountID: engine.account, vault: engine.vault, jobID: job.id, range: nil)
            let (chunks, error) = await BlobStoreHelpers.drain(output.body)
            #expect(error != nil, "the read ends with an error")
            #expect(chunks.reduce(0) { $0 + $1.count } < Self.archive.count)
        }
    }
}
