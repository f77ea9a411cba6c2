import Testing
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraTestSupport

/// Parts the engine must refuse, keeping nothing of them.
struct MultipartPartRejectionTests {
    static let mib = EngineFixture.mib
    static let bytes = TestData.bytes(count: mib, seed: 71)

    /// Checks that the upload holds no part and the store no blob, after a refused part.
    static func expectNothingKept(_ engine: EngineFixture, _ uploadID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await engine.partFirstBytes(uploadID).isEmpty, "listParts shows nothing", sourceLocation: sourceLocation)
        #expect(await engine.blobs.blobCount == 0, "no blob was committed", sourceLocation: sourceLocation)
        #expect(await engine.blobs.pendingStagingCount == 0, "the staged bytes were discarded", sourceLocation: sourceLocation)
    }

    @Test func partWithWrongTreeHashIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            let claimed = SHA256Value.of(Array("something else".utf8))
            await expectEngineError(.checksumMismatch(expected: claimed.hex, computed: TreeHash.of(Self.bytes).hex)) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, treeHash: claimed.hex)
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test func partWithWrongSignedPayloadHashIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            let signed = SHA256Value.of(Array("another body".utf8))
            await expectEngineError(.payloadHashMismatch(expected: signed.hex, computed: SHA256Value.of(Self.bytes).hex)) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, payloadSHA256: signed)
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test func partWithCorrectSignedPayloadHashIsKept() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            try await engine.uploadPart(uploadID, first: 0, Self.bytes, payloadSHA256: SHA256Value.of(Self.bytes))
            #expect(try await engine.partFirstBytes(uploadID) == [0])
        }
    }

    @Test func shortBodyIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            let declared = Int64(Self.mib)
            await expectEngineError(.incompleteBody(declared: declared, received: declared - 10)) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, body: Array(Self.bytes.dropLast(10)))
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test func bodyLongerThanTheRangeIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            await expectEngineError("incompleteBody", matches: { error in
                if case .incompleteBody(let declared, let received) = error { return declared == Int64(Self.mib) && received > declared }
                return false
            }) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, body: Self.bytes + [0])
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test(arguments: [
        "bytes 1-1048576/*",              // does not start on a part boundary
        "bytes 524288-1572863/*",         // half a part in
        "bytes 0-2097151/*",              // longer than the part size
        "bytes 0-1048575",                // malformed
        "0-1048575/*",                    // malformed
    ])
    func misalignedOrMalformedRangeIsRefused(_ contentRange: String) async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, contentLength: nil, contentRange: contentRange)
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test func contentLengthDisagreeingWithTheRangeIsRefused() async throws {
        try await withEngine { engine in
            let uploadID = try await engine.initiateUpload()
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                try await engine.uploadPart(uploadID, first: 0, Self.bytes, contentLength: Int64(Self.mib - 1))
            }
            try await Self.expectNothingKept(engine, uploadID)
        }
    }

    @Test(arguments: ["0", "1048577", "3145728", "512", "-1048576", "abc"])
    func partSizeThatIsNotAMebibyteTimesAPowerOfTwoIsRefused(_ partSize: String) async throws {
        try await withEngine { engine in
            await expectEngineError("invalidParameter", matches: \.isInvalidParameter) {
                _ = try await engine.service.initiateMultipartUpload(accountID: engine.account, vault: engine.vault,
                                                                     partSize: partSize, description: nil)
            }
        }
    }
}
