import Foundation
import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Garbage collection: what no record names goes, what a record or a recent job names stays.
struct GarbageCollectorTests {
    static let mib = EngineFixture.mib

    /// A collector on the fixture's clock whose cutoff lies in the future, so age never protects a blob.
    static func sweepIgnoringAge(_ engine: EngineFixture, pageSize: Int = 1000) async throws -> GarbageCollector.Sweep {
        try await GarbageCollector(blobs: engine.blobs, references: engine.metadata, clock: EngineClock { engine.clock.now },
                                   grace: -1e9, pageSize: pageSize).sweep()
    }

    @Test func partsOfAnAbortedUploadAreCollectedAndArchivesStay() async throws {
        try await withEngine { engine in
            let archive = TestData.bytes(count: 3000, seed: 301)
            let created = try await engine.uploadArchive(archive)
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, TestData.bytes(count: Self.mib, seed: 302))
            try await engine.service.abortMultipartUpload(accountID: engine.account, vault: engine.vault, uploadID: uploadID)
            #expect(await engine.blobs.blobCount == 2)
            let sweep = try await Self.sweepIgnoringAge(engine)
            #expect(sweep == GarbageCollector.Sweep(examined: 2, deleted: 1, deletedBytes: Int64(Self.mib),
                                                            keptBlobs: 1, keptBytes: 3000))
            #expect(await engine.blobs.blobCount == 1)
            let job = try await engine.retrieve(created.archiveID)
            expectSameBytes(try await engine.output(job.id).bytes, archive, "the archive survives the sweep")
        }
    }

    @Test func partsOfAnOpenUploadStay() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, TestData.bytes(count: Self.mib, seed: 303))
            #expect(try await Self.sweepIgnoringAge(engine).deleted == 0)
            #expect(try await engine.partFirstBytes(uploadID) == [0])
        }
    }

    @Test func aDeletedArchiveStaysWhileARecentJobReadsItThenGoes() async throws {
        try await withEngine { engine in
            let archive = TestData.bytes(count: 5000, seed: 304)
            let created = try await engine.uploadArchive(archive)
            let job = try await engine.retrieve(created.archiveID)
            try await engine.service.deleteArchive(accountID: engine.account, vault: engine.vault, archiveID: created.archiveID)
            #expect(try await Self.sweepIgnoringAge(engine).deleted == 0)
            expectSameBytes(try await engine.output(job.id).bytes, archive, "a job started before the delete still downloads")
            engine.clock.advance(by: GlacierService.jobRetention + 60)
            #expect(try await Self.sweepIgnoringAge(engine).deleted == 1)
            await expectEngineError(.jobNotFound(id: job.id)) {
                _ = try await engine.service.describeJob(accountID: engine.account, vault: engine.vault, jobID: job.id)
            }
        }
    }

    @Test func unreferencedBlobsYoungerThanTheGraceAreSpared() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, TestData.bytes(count: Self.mib, seed: 305))
            try await engine.service.abortMultipartUpload(accountID: engine.account, vault: engine.vault, uploadID: uploadID)
            let collector = GarbageCollector(blobs: engine.blobs, references: engine.metadata, clock: .system, grace: 3600)
            #expect(try await collector.sweep() == GarbageCollector.Sweep(examined: 1, deleted: 0, keptBlobs: 1,
                                                                          keptBytes: Int64(Self.mib)))
            #expect(await engine.blobs.blobCount == 1)
            // A sweep on demand runs with the grace it is given instead of the collector's.
            #expect(try await collector.sweep(grace: -60).deleted == 1)
            #expect(await engine.blobs.blobCount == 0)
        }
    }

    /// A sweep over many pages keeps and removes what one over a single page would, and the reference query
    /// answers only for the digests it is asked about.
    @Test func aSweepPageByPageKeepsWhatIsNamedOnEveryPage() async throws {
        try await withEngine { engine in
            var archives: [(id: String, bytes: [UInt8])] = []
            for seed in 0..<5 {
                let bytes = TestData.bytes(count: 2000 + seed, seed: UInt64(310 + seed))
                archives.append((try await engine.uploadArchive(bytes).archiveID, bytes))
            }
            let uploadID = try await engine.initiateUpload()
            for index in 0..<4 {
                try await engine.uploadPart(uploadID, first: index * Self.mib, TestData.bytes(count: Self.mib, seed: UInt64(320 + index)))
            }
            let stored = try await engine.blobs.listBlobs().map(\.digest)
            let named = try await engine.metadata.referencedBlobs(among: stored, now: engine.clock.now, jobRetention: 0)
            #expect(named == Set(stored), "archives and open parts are all named")
            let asked = Array(stored.prefix(3)) + [SHA256Value.of([7, 7, 7])]
            #expect(try await engine.metadata.referencedBlobs(among: asked, now: engine.clock.now, jobRetention: 0) == Set(stored.prefix(3)),
                    "only digests asked about are answered, and a digest no record names is not")

            try await engine.service.abortMultipartUpload(accountID: engine.account, vault: engine.vault, uploadID: uploadID)
            let sweep = try await Self.sweepIgnoringAge(engine, pageSize: 2)
            #expect(sweep == GarbageCollector.Sweep(examined: 9, deleted: 4, deletedBytes: Int64(4 * Self.mib),
                                                    keptBlobs: 5, keptBytes: Int64((0..<5).reduce(0) { $0 + 2000 + $1 })))
            for archive in archives {
                let job = try await engine.retrieve(archive.id)
                expectSameBytes(try await engine.output(job.id).bytes, archive.bytes, "every archive survives a paged sweep")
            }
        }
    }
}
