import Testing
import TesseraClient

/// Part-size choice: a power of two MiB, at least 16 MiB unless asked, never more than 10,000 parts.
struct GlacierPartSizeTests {
    static let mib: Int64 = 1 << 20

    static let sizes: [(archive: Int64, expected: Int64)] = [
        (1, 16 << 20),
        (Int64(16 << 20) * 10_000, 16 << 20),
        (Int64(16 << 20) * 10_000 + 1, 32 << 20),
        (1 << 40, 128 << 20),
        (Int64(4 << 30) * 10_000, 4 << 30),
    ]

    @Test(arguments: Self.sizes)
    func choosesTheSmallestSizeUnderTenThousandParts(archive: Int64, expected: Int64) throws {
        #expect(try GlacierPartSize.choose(archiveSize: archive, requested: nil) == expected)
    }

    @Test func refusesAnArchiveBeyondTenThousandPartsOfFourGiB() {
        #expect(throws: GlacierPartSizeError.archiveTooLarge(Int64(4 << 30) * 10_000 + 1)) {
            try GlacierPartSize.choose(archiveSize: Int64(4 << 30) * 10_000 + 1, requested: nil)
        }
    }

    @Test(arguments: [Self.mib, 2 * Self.mib, 1024 * Self.mib, 4096 * Self.mib])
    func takesAValidRequestedSize(size: Int64) throws {
        #expect(try GlacierPartSize.choose(archiveSize: 10, requested: size) == size)
    }

    @Test(arguments: [Int64(0), Self.mib - 1, 3 * Self.mib, 8192 * Self.mib, Self.mib + 1])
    func refusesSizesGlacierDoesNotTake(size: Int64) {
        #expect(throws: GlacierPartSizeError.invalid(size)) {
            try GlacierPartSize.choose(archiveSize: 10, requested: size)
        }
    }

    @Test func refusesARequestedSizeThatNeedsTooManyParts() {
        #expect(throws: GlacierPartSizeError.tooManyParts(archiveSize: 10_001 * Self.mib, partSize: Self.mib)) {
            try GlacierPartSize.choose(archiveSize: 10_001 * Self.mib, requested: Self.mib)
        }
    }

    @Test func aStreamGetsThirtyTwoMiB() throws {
        #expect(try GlacierPartSize.choose(archiveSize: nil, requested: nil) == 32 * Self.mib)
    }
}
