import Crypto
import NIOCore
import TesseraCore

/// The check every verified read makes: the whole blob passes through, in order, to be hashed; only the
/// bytes of the requested range come out; and the last of them is held back until the blob's SHA-256 matched
/// the digest it is stored under, so a reader never hands out a complete range of wrong bytes.
public struct DigestCheckedRange {
    public let digest: SHA256Value
    public let size: Int64
    public let range: Range<Int64>
    private var offset: Int64 = 0
    private var hasher = SHA256()
    private var heldBack: ByteBuffer?

    public init(digest: SHA256Value, size: Int64, range: Range<Int64>) {
        self.digest = digest
        self.size = size
        self.range = range
    }

    /// Bytes of the blob taken in so far.
    public var consumed: Int64 { offset }

    /// Takes the blob's next chunk; returns range bytes that may now be handed out (nil when none are yet).
    /// - Throws: ``StorageError/corrupt(_:)`` when the blob turns out longer than its size.
    public mutating func take(_ chunk: ByteBuffer) throws -> ByteBuffer? {
        let start = offset
        offset += Int64(chunk.readableBytes)
        guard offset <= size else { throw StorageError.corrupt(digest) }
        chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        let lower = max(start, range.lowerBound), upper = min(offset, range.upperBound)
        guard lower < upper else { return nil }
        let slice = chunk.getSlice(at: chunk.readerIndex + Int(lower - start), length: Int(upper - lower))
        let previous = heldBack
        heldBack = slice
        return previous
    }

    /// Ends the blob: returns the held-back bytes when every byte arrived and the digest matched.
    /// - Throws: ``StorageError/corrupt(_:)`` when the blob was short or its content does not match its digest.
    public mutating func finish() throws -> ByteBuffer? {
        guard offset == size, SHA256Value(bytes: Array(hasher.finalize())) == digest else { throw StorageError.corrupt(digest) }
        let last = heldBack
        heldBack = nil
        return last
    }
}
