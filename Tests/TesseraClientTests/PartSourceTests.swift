import Foundation
import Testing
import TesseraClient
import TesseraCore

/// Parts read from a file carry the same SHA-256 and tree hash as the one-shot functions over the same bytes,
/// at the edges of 1 MiB leaves and of the buffers the reader fills.
struct PartSourceTests {
    static let mib = 1 << 20

    @Test(arguments: [1, Self.mib - 1, Self.mib, Self.mib + 1, 3 * Self.mib, 8 * Self.mib + 7, 9 * Self.mib])
    func hashesMatchTheOneShotHashes(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("part-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let source = PartSource(descriptor: fd, size: Int64(length))
        let whole = try source.read(index: 0, offset: 0, length: Int64(length) + 5)
        #expect(whole.count == Int64(length))
        #expect(whole.treeHash == TreeHash.of(bytes))
        #expect(whole.sha256 == SHA256Value.of(bytes))

        // Parts of 1 MiB, combined, give the archive's tree hash.
        var partHashes: [SHA256Value] = []
        var offset: Int64 = 0
        var index = 0
        while offset < Int64(length) {
            let part = try source.read(index: index, offset: offset, length: Int64(Self.mib))
            partHashes.append(part.treeHash)
            offset += part.count
            index += 1
        }
        #expect(TreeHash.root(of: partHashes) == TreeHash.of(bytes))
    }
}
