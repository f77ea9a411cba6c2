import Foundation
import NIOCore
import Testing
import TesseraClient
import TesseraCore

/// Parts read through a pool reuse the buffers given back, and a part still held elsewhere is never
/// overwritten by the next one.
struct PartBufferPoolTests {
    static let mib = 1 << 20

    @Test func givenBackBuffersAreReadIntoAgainAndHeldOnesAreNotOverwritten() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(4 * Self.mib)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let source = PartSource(descriptor: fd, size: Int64(bytes.count))
        let pool = PartBufferPool(partSize: Int64(2 * Self.mib), bufferSize: Self.mib, inFlight: 1)
        #expect(pool.bufferSize == Self.mib && pool.limit == 2)

        var first: HashedPart? = try source.read(index: 0, offset: 0, length: Int64(2 * Self.mib), pool: pool)
        let addresses = try #require(first).buffers.map { $0.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }
        pool.giveBack(try #require(first).buffers)
        first = nil
        let second = try source.read(index: 1, offset: Int64(2 * Self.mib), length: Int64(2 * Self.mib), pool: pool)
        #expect(second.sha256 == SHA256Value.of(Array(bytes[(2 * Self.mib)...])))
        #expect(Set(second.buffers.map { $0.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } }) == Set(addresses),
                "the second part is read into the first part's buffers")

        // A part whose buffers are still held (here: by `held`) keeps its bytes when they are given back early.
        let held = second
        pool.giveBack(second.buffers)
        let third = try source.read(index: 0, offset: 0, length: Int64(2 * Self.mib), pool: pool)
        #expect(third.sha256 == SHA256Value.of(Array(bytes[..<(2 * Self.mib)])))
        let heldBytes = held.buffers.flatMap { Array($0.readableBytesView) }
        #expect(heldBytes == Array(bytes[(2 * Self.mib)...]))
    }
}
