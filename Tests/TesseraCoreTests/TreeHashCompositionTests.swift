import Testing
import TesseraCore
import TesseraTestSupport

/// Why Glacier part sizes are 1 MiB × 2^k: the tree over the parts' tree hashes is then the archive's
/// tree hash, so completing an upload never re-reads the bytes (docs/aws/glacier.md#tree-hash-of-parts).
struct TreeHashCompositionTests {
    static let mib = 1 << 20
    /// Nine whole MiB and a ragged tail, so the last part is short for every part size.
    static let archive = TestData.bytes(count: 9 * mib + 12_345, seed: 31)

    static func partHashes(_ bytes: [UInt8], partSize: Int) -> [SHA256Value] {
        stride(from: 0, to: bytes.count, by: partSize).map { start in
            TreeHash.of(Array(bytes[start..<min(start + partSize, bytes.count)]))
        }
    }

    @Test(arguments: [1, 2, 4, 8, 16])
    func rootOfPowerOfTwoPartHashesIsTheArchiveTreeHash(_ mebibytes: Int) {
        let parts = Self.partHashes(Self.archive, partSize: mebibytes * Self.mib)
        #expect(TreeHash.root(of: parts) == TreeHash.of(Self.archive), "\(mebibytes) MiB parts")
    }

    @Test(arguments: [3, 5, 6])
    func rootOfOtherPartSizesIsNotTheArchiveTreeHash(_ mebibytes: Int) {
        let parts = Self.partHashes(Self.archive, partSize: mebibytes * Self.mib)
        #expect(parts.count > 1)
        #expect(TreeHash.root(of: parts) != TreeHash.of(Self.archive),
                "\(mebibytes) MiB parts would let a client's complete-time hash disagree with the archive's")
    }

    @Test func rootOfOneNodeIsThatNode() {
        let node = SHA256Value.of(Array("node".utf8))
        #expect(TreeHash.root(of: [node]) == node)
    }

    @Test func rootPairsLeftToRightAndPromotesTheOddNode() {
        let nodes = (0..<5).map { SHA256Value.of([UInt8($0)]) }
        let p = SHA256Value.parent
        #expect(TreeHash.root(of: nodes) == p(p(p(nodes[0], nodes[1]), p(nodes[2], nodes[3])), nodes[4]))
        #expect(TreeHash.root(of: Array(nodes.prefix(3))) == p(p(nodes[0], nodes[1]), nodes[2]))
        #expect(TreeHash.root(of: [nodes[1], nodes[0]]) != TreeHash.root(of: [nodes[0], nodes[1]]), "order matters")
    }
}
