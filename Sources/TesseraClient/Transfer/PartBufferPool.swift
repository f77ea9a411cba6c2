import NIOCore

/// Buffers that parts are read into, taken back once a part has been sent and handed out again for the next
/// part, so an upload holds what it has in flight — at most `limit` buffers — and no more.
///
/// Fresh buffers for every part would leave it to the C allocator where they go, and glibc, after the first
/// large buffer is freed, serves the next ones from its heap and keeps what is freed there: a 1 GiB Glacier
/// upload with 4 × 16 MiB in flight peaked anywhere from 107 to 155 MiB (bench/README.md, client commands).
/// A buffer still referenced when it is handed out again (an HTTP client that has not let go of it yet) is
/// copied on its first write, so reuse is never unsafe, at worst not a saving.
public final class PartBufferPool: Sendable {
    public let bufferSize: Int
    public let limit: Int
    private let kept: LockedValue<[ByteBuffer]>

    public init(bufferSize: Int, limit: Int) {
        self.bufferSize = bufferSize
        self.limit = max(1, limit)
        kept = LockedValue([])
    }

    /// A pool for parts of `partSize` bytes read into buffers of at most `bufferSize`, `inFlight` at once.
    public convenience init(partSize: Int64, bufferSize: Int, inFlight: Int) {
        let perPart = Int((partSize + Int64(bufferSize) - 1) / Int64(bufferSize))
        self.init(bufferSize: Int(min(Int64(bufferSize), partSize)), limit: max(1, inFlight) * max(1, perPart))
    }

    /// An empty buffer with room for `capacity` bytes (at most ``bufferSize``): one given back, or a new one.
    func take(capacity: Int) -> ByteBuffer {
        if capacity <= bufferSize, var buffer = kept.withLock({ $0.popLast() }) {
            buffer.clear()
            return buffer
        }
        return ByteBufferAllocator().buffer(capacity: max(capacity, bufferSize))
    }

    /// Takes `buffers` back for later parts; past ``limit`` they are let go.
    public func giveBack(_ buffers: [ByteBuffer]) {
        kept.withLock { kept in
            for buffer in buffers where kept.count < limit && buffer.capacity >= bufferSize {
                kept.append(buffer)
            }
        }
    }
}
