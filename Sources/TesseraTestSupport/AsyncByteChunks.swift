import NIOCore

/// Bytes held in memory served as an AsyncSequence of ByteBuffers of at most `chunkSize` bytes, the shape
/// in which a request body reaches the engine.
public struct AsyncByteChunks: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    private let bytes: [UInt8]
    private let chunkSize: Int

    public init(_ bytes: [UInt8], chunkSize: Int = 64 * 1024) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.bytes = bytes
        self.chunkSize = chunkSize
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let chunkSize: Int
        var offset = 0

        public mutating func next() async -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + chunkSize, bytes.count)
            var buffer = ByteBufferAllocator().buffer(capacity: end - offset)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            return buffer
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(bytes: bytes, chunkSize: chunkSize)
    }
}
