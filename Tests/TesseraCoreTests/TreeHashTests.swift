import Crypto
import Testing
import TesseraCore
import TesseraTestSupport

private let oneMiB = 1 << 20

/// `TreeHash.of` and the streaming `TreeHasher` against the published vectors and a plain reference.
struct TreeHashTests {
    static let mib = 1 << 20

    @Test func quarterMebibyteOfZeroCharactersMatchesAWSVector() {
        let bytes = TestData.repeated(UInt8(ascii: "0"), count: Self.mib / 4)
        #expect(TreeHash.of(bytes).hex == "6faefade5a638cd3545d638dd5754763658e32209e69420cb559b7650d4bf93a")
    }

    @Test func twoAndAHalfMebibytesOfZeroCharactersMatchesAWSVector() {
        let bytes = TestData.repeated(UInt8(ascii: "0"), count: Self.mib * 5 / 2)
        #expect(TreeHash.of(bytes).hex == "86118ad0c187fd240db59a37360e0e7f8a3a0c608eed740b4cd7b4271ab45171")
    }

    @Test func emptyPayloadHashesToSHA256OfEmptyString() {
        let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        #expect(TreeHash.of([]).hex == expected)
        var hasher = TreeHasher()
        #expect(hasher.finalize().hex == expected)
        #expect(TreeHash.root(of: []).hex == expected)
    }

    @Test func singleByteIsItsOwnLeaf() {
        #expect(TreeHash.of([0x61]) == SHA256Value.of([0x61]))
        #expect(TreeHash.of([0x61]).hex == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb")
    }

    @Test func oneMebibyteIsOneLeafAndOneMoreByteMakesAParent() throws {
        let bytes = TestData.bytes(count: Self.mib + 1, seed: 3)
        let firstLeaf = SHA256Value.of(bytes[0..<Self.mib])
        #expect(TreeHash.of(Array(bytes[0..<Self.mib])) == firstLeaf)
        #expect(TreeHash.of(Array(bytes[0..<(Self.mib - 1)])) == SHA256Value.of(bytes[0..<(Self.mib - 1)]))
        let lastLeaf = SHA256Value.of(bytes[Self.mib...])
        let parent = try #require(SHA256Value(bytes: Array(SHA256.hash(data: firstLeaf.bytes + lastLeaf.bytes))))
        #expect(TreeHash.of(bytes) == parent)
    }

    @Test(arguments: [0, 1, oneMiB - 1, oneMiB, oneMiB + 1, 2 * oneMiB, 3 * oneMiB, 7 * oneMiB + 3])
    func agreesWithReferenceAtBoundaries(_ size: Int) {
        let bytes = TestData.bytes(count: size, seed: UInt64(size) &+ 5)
        #expect(TreeHash.of(bytes).hex == ReferenceTreeHash.hex(bytes), "size \(size)")
    }

    @Test func sevenMebibytesAndThreeBytesBuildsTheDocumentedTree() throws {
        let bytes = TestData.bytes(count: 7 * Self.mib + 3, seed: 7)
        let leaves = stride(from: 0, to: bytes.count, by: Self.mib).map { SHA256Value.of(bytes[$0..<min($0 + Self.mib, bytes.count)]) }
        try #require(leaves.count == 8)
        let p = SHA256Value.parent
        let expected = p(p(p(leaves[0], leaves[1]), p(leaves[2], leaves[3])), p(p(leaves[4], leaves[5]), p(leaves[6], leaves[7])))
        #expect(TreeHash.of(bytes) == expected)
        let tail = SHA256Value.of(bytes[(4 * Self.mib)..<(4 * Self.mib + 3)])
        #expect(TreeHash.of(Array(bytes.prefix(4 * Self.mib + 3))) == p(p(p(leaves[0], leaves[1]), p(leaves[2], leaves[3])), tail),
                "an unpaired last node is promoted unchanged")
    }

    @Test func agreesWithReferenceFromZeroToNineMebibytes() {
        let all = TestData.bytes(count: 9 * Self.mib, seed: 9)
        for size in stride(from: 0, through: 9 * Self.mib, by: Self.mib / 3 + 1) {
            let bytes = Array(all.prefix(size))
            #expect(TreeHash.of(bytes).hex == ReferenceTreeHash.hex(bytes), "size \(size)")
        }
        #expect(TreeHash.of(all).hex == ReferenceTreeHash.hex(all))
    }

    @Test(arguments: [4095, oneMiB + 17, 65_536, 7, 3 * oneMiB])
    func streamingInChunksGivesTheSameRoot(_ chunkSize: Int) {
        let bytes = TestData.bytes(count: 5 * Self.mib + 12_345, seed: 21)
        #expect(Self.streamed(bytes, chunkSize: chunkSize) == TreeHash.of(bytes))
    }

    @Test func streamingOneByteAtATimeAcrossALeafBoundaryGivesTheSameRoot() {
        let bytes = TestData.bytes(count: Self.mib + 3, seed: 22)
        #expect(Self.streamed(bytes, chunkSize: 1).hex == ReferenceTreeHash.hex(bytes))
    }

    @Test func hasherCountsBytesConsumed() {
        var hasher = TreeHasher()
        let bytes = TestData.bytes(count: Self.mib + 5, seed: 23)
        bytes.withUnsafeBufferPointer { hasher.update($0) }
        #expect(hasher.count == Int64(Self.mib + 5))
    }

    static func streamed(_ bytes: [UInt8], chunkSize: Int) -> SHA256Value {
        var hasher = TreeHasher()
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let end = min(offset + chunkSize, raw.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[offset..<end]))
                offset = end
            }
        }
        return hasher.finalize()
    }
}
