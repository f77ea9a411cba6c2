import NIOCore

/// A request body made piece by piece each time it is read — once to hash it for the signature, again for
/// every attempt that sends it — from a smaller form the caller holds (an ECR part's raw bytes for its base64
/// JSON body), so the body itself is never held whole.
public protocol AWSGeneratedBody: Sendable {
    /// The body's length in bytes: the sum of its pieces' lengths.
    var length: Int { get }
    /// The body's `index`th piece (from 0), or nil past the last.
    func piece(_ index: Int) -> ByteBuffer?
}

/// A generated body's pieces, handed to the HTTP client one at a time as it asks for them, never far ahead of
/// the connection that sends them.
///
/// The HTTP client asks for the next piece from a task of its own and hands each to the connection's event
/// loop to write; it stops asking only once that loop has seen the connection's buffer fill. While the loop's
/// thread waits for a core (two cores shared with the server), the asking runs ahead and every piece made
/// meanwhile waits in memory, up to the whole encoded part: a push of one layer at a time peaked at 56–61 MiB
/// where the raw part is 10 MiB and the process's baseline 34. So every `piecesBetweenWaits` pieces the
/// sequence waits for a no-op on each of the client's event loops: tasks on a loop run in order, so once the
/// no-op has run on the connection's loop, every piece handed over before it has been written or has paused
/// the stream. Measured (bench/README.md, client commands): peak 47 MiB for one layer at a time, 79–87
/// against 90–103 for four, for about 0.3 ms more CPU per MiB pushed (more, smaller socket writes).
struct GeneratedBodyPieces: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    /// Pieces handed out between two waits for the event loops (1 MiB of base64 for an ECR part): at most this
    /// many are ahead of the connection.
    static let piecesBetweenWaits = 16

    let body: any AWSGeneratedBody
    /// The HTTP client's event loops, one of which writes the request.
    let eventLoops: [any EventLoop]

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: any AWSGeneratedBody
        let eventLoops: [any EventLoop]
        var index = 0

        mutating func next() async -> ByteBuffer? {
            if index > 0, index % GeneratedBodyPieces.piecesBetweenWaits == 0 {
                let passes = eventLoops.map { $0.submit {} }
                for pass in passes { _ = try? await pass.get() }
            }
            defer { index += 1 }
            return body.piece(index)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: body, eventLoops: eventLoops) }
}
