import Testing
import TesseraCore

/// `TreeHash.isAligned`: a byte range is tree-hash aligned iff it is one node of the archive's tree
/// (docs/aws/glacier.md#tree-hash-aligned-ranges: in MiB units, P mod 2^k = 0 and Q = min(P + 2^k, N)).
struct TreeHashAlignmentTests {
    static let mib = Int64(1 << 20)

    static func aligned(_ lower: Int64, _ upper: Int64, size: Int64) -> Bool {
        TreeHash.isAligned(lower..<upper, archiveSize: size)
    }

    @Test func wholeArchivesAreAligned() {
        let m = Self.mib
        for size in [1, m - 1, m, m + 1, 3 * m, 5 * m + 100, 8 * m] {
            #expect(Self.aligned(0, size, size: size), "whole archive of \(size) bytes")
        }
    }

    @Test func nodesOfAFiveMebibyteArchiveAreAligned() {
        let m = Self.mib, size = 5 * m
        for (p, q) in [(0, 1), (1, 2), (4, 5), (0, 2), (2, 4), (0, 4), (0, 5)] as [(Int64, Int64)] {
            #expect(Self.aligned(p * m, q * m, size: size), "[\(p), \(q)) MiB")
        }
    }

    @Test func spansThatAreNotNodesAreNotAligned() {
        let m = Self.mib, size = 5 * m
        for (p, q) in [(1, 3), (0, 3), (2, 5), (1, 5), (3, 5)] as [(Int64, Int64)] {
            #expect(!Self.aligned(p * m, q * m, size: size), "[\(p), \(q)) MiB")
        }
        #expect(!Self.aligned(1 * m, 3 * m, size: 8 * m))
        #expect(!Self.aligned(0, 6 * m, size: 8 * m))
    }

    @Test func raggedTailNodesEndAtTheArchiveEnd() {
        let m = Self.mib, size = 6 * m + 100
        #expect(Self.aligned(6 * m, size, size: size), "the short last leaf")
        #expect(Self.aligned(4 * m, size, size: size), "Q = min(P + 4, N) = N: three chunks, yet a node")
        #expect(Self.aligned(4 * m, 6 * m, size: size))
        #expect(!Self.aligned(4 * m, 7 * m, size: size), "past the end")
        #expect(!Self.aligned(6 * m, 6 * m + 50, size: size), "ends inside the last leaf")
    }

    @Test func rangesOffMebibyteBoundariesAreNotAligned() {
        let m = Self.mib, size = 4 * m
        #expect(!Self.aligned(1, m, size: size))
        #expect(!Self.aligned(0, m - 1, size: size))
        #expect(!Self.aligned(0, m + 1, size: size))
        #expect(!Self.aligned(m / 2, m + m / 2, size: size))
    }

    @Test func degenerateRangesAreNotAligned() {
        let m = Self.mib
        #expect(!Self.aligned(0, 0, size: m), "empty range")
        #expect(!Self.aligned(m, m, size: 2 * m), "empty range on a boundary")
        #expect(!TreeHash.isAligned(0..<1, archiveSize: 0), "empty archive")
        #expect(!Self.aligned(0, 2 * m, size: m), "beyond the archive")
        #expect(!Self.aligned(-m, m, size: 2 * m), "negative start")
    }

    /// Every MiB-grid range over archives of 1…17 MiB (whole and ragged) is aligned exactly when it is a
    /// node of the tree the reference builds.
    @Test func alignedExactlyWhenTheRangeIsANodeOfTheTree() {
        let m = Self.mib
        var checked = 0
        for chunks in Int64(1)...17 {
            for size in [chunks * m, chunks * m - 7] {
                let nodes = ReferenceTreeHash.nodeRanges(archiveSize: size)
                let boundaries = (0...chunks).map { min($0 * m, size) }
                for lower in boundaries {
                    for upper in boundaries where upper > lower {
                        let expected = nodes.contains(lower..<upper)
                        #expect(TreeHash.isAligned(lower..<upper, archiveSize: size) == expected,
                                "[\(lower), \(upper)) of \(size): expected \(expected)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 1000)
    }
}
