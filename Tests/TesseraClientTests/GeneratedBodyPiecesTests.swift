import Dispatch
import NIOCore
import NIOPosix
import Testing
@testable import TesseraClient

/// A generated body handed to the HTTP client: every piece once, in order, and no more than
/// `piecesBetweenWaits` of them while the event loop that would send them has not run.
struct GeneratedBodyPiecesTests {
    /// A body of `count` pieces, piece `i` holding the single byte `i`.
    struct NumberedPieces: AWSGeneratedBody {
        let count: Int
        var length: Int { count }
        func piece(_ index: Int) -> ByteBuffer? { index < count ? ByteBuffer(bytes: [UInt8(index & 0xff)]) : nil }
    }

    @Test func handsOutEveryPieceInOrder() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let count = GeneratedBodyPieces.piecesBetweenWaits * 3 + 5
        let pieces = GeneratedBodyPieces(body: NumberedPieces(count: count), eventLoops: Array(group.makeIterator()))
        var bytes: [UInt8] = []
        for await piece in pieces { bytes += piece.readableBytesView }
        #expect(bytes == (0..<count).map { UInt8($0 & 0xff) })
        try await group.shutdownGracefully()
    }

    @Test func waitsForABusyEventLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let release = DispatchSemaphore(value: 0)
        let blocking = loop.submit { release.wait() }   // the loop stays busy until released
        let count = GeneratedBodyPieces.piecesBetweenWaits * 2 + 1
        let handedOut = LockedValue(0)
        let reader = Task {
            for await _ in GeneratedBodyPieces(body: NumberedPieces(count: count), eventLoops: [loop]) {
                handedOut.withLock { $0 += 1 }
            }
        }
        while handedOut.withLock({ $0 }) < GeneratedBodyPieces.piecesBetweenWaits { await Task.yield() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(handedOut.withLock { $0 } == GeneratedBodyPieces.piecesBetweenWaits)
        release.signal()
        try await blocking.get()
        await reader.value
        #expect(handedOut.withLock { $0 } == count)
        try await group.shutdownGracefully()
    }
}
