import Foundation
import Crypto
import NIOCore
import TesseraCore

/// One part as read from its source: the bytes, in buffers of at most ``bufferSize``, with the SHA-256 and
/// the Glacier tree hash computed in the same pass as the read.
public struct HashedPart: Sendable {
    public static let bufferSize = 8 << 20

    public let index: Int
    public let offset: Int64
    public let buffers: [ByteBuffer]
    public let count: Int64
    public let sha256: SHA256Value
    public let treeHash: SHA256Value

    public var range: InclusiveByteRange? { InclusiveByteRange(first: offset, last: offset + count - 1) }
}

/// Reads parts from a file descriptor: by position from a regular file (any order), or in order from a
/// pipe or terminal.
public struct PartSource: Sendable {
    public let descriptor: Int32
    /// Bytes in the file; nil for a stream.
    public let size: Int64?

    public init(descriptor: Int32, size: Int64?) {
        self.descriptor = descriptor
        self.size = size
    }

    /// Reads up to `length` bytes at `offset` (a stream ignores `offset`: parts must be read in order), and
    /// hashes them (SHA-256 and tree hash) while they are fresh in memory. Returns fewer bytes only at the end
    /// of the source.
    public func read(index: Int, offset: Int64, length: Int64, pool: PartBufferPool? = nil) throws -> HashedPart {
        let (buffers, total) = try readBytes(offset: offset, length: length, pool: pool)
        var sha = SHA256()
        var tree = TreeHasher()
        for buffer in buffers {
            buffer.withUnsafeReadableBytes { bytes in
                sha.update(bufferPointer: bytes)
                tree.update(bytes)
            }
        }
        return HashedPart(index: index, offset: offset, buffers: buffers, count: total,
                          sha256: SHA256Value(sha.finalize()), treeHash: tree.finalize())
    }

    /// Reads up to `length` bytes at `offset`, unhashed, into buffers of at most ``HashedPart/bufferSize``
    /// bytes, or the pool's buffers when one is given.
    public func readBytes(offset: Int64, length: Int64, pool: PartBufferPool? = nil) throws -> (buffers: [ByteBuffer], count: Int64) {
        let bufferSize = pool?.bufferSize ?? HashedPart.bufferSize
        var buffers: [ByteBuffer] = []
        var total: Int64 = 0
        var atEnd = false
        while total < length, !atEnd {
            let want = Int(min(Int64(bufferSize), length - total))
            var buffer = pool?.take(capacity: want) ?? ByteBufferAllocator().buffer(capacity: want)
            let got = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { pointer -> Int in
                var filled = 0
                while filled < want {
                    let base = pointer.baseAddress.map { $0 + filled }
                    let count = size == nil
                        ? posixRead(descriptor, base, want - filled)
                        : posixPread(descriptor, base, want - filled, offset + total + Int64(filled))
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw PartSourceError.readFailed(errno)
                    }
                    if count == 0 { break }
                    filled += count
                }
                return filled
            }
            if got < want { atEnd = true }
            if got > 0 {
                total += Int64(got)
                buffers.append(buffer)
            }
        }
        return (buffers, total)
    }
}

public enum PartSourceError: Error, Sendable, CustomStringConvertible {
    case readFailed(Int32)

    public var description: String {
        switch self {
        case .readFailed(let code): "read failed: \(String(cString: strerror(code)))"
        }
    }
}
