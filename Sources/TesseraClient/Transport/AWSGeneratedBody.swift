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

/// A generated body's pieces, handed to the HTTP client one at a time as it asks for them.
struct GeneratedBodyPieces: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let body: any AWSGeneratedBody

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: any AWSGeneratedBody
        var index = 0
        mutating func next() async -> ByteBuffer? {
            defer { index += 1 }
            return body.piece(index)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: body) }
}
