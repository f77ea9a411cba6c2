import NIOCore
import TesseraCore
import TesseraStorage

/// Reads a byte range of blobs laid end to end (an archive's segments), opening only the blobs the
/// range touches, one at a time; each blob read verifies its own digest.
public actor ConcatenatedBlobReader: BlobReader {
    private let blobs: any BlobStore
    private var plan: [(SHA256Value, Range<Int64>)]
    private var current: (any BlobReader)?

    /// - Parameter range: half-open, in the coordinates of the concatenation.
    public init(blobs: any BlobStore, segments: [BlobSegment], range: Range<Int64>) {
        self.blobs = blobs
        var pieces: [(SHA256Value, Range<Int64>)] = []
        var offset: Int64 = 0
        for segment in segments {
            let start = offset, end = offset + segment.length
            offset = end
            let lower = max(start, range.lowerBound), upper = min(end, range.upperBound)
            if lower < upper { pieces.append((segment.blob, (lower - start)..<(upper - start))) }
        }
        self.plan = pieces.reversed()
    }

    /// A reader whose first blob is open already, so that a store that cannot serve it fails here, before a
    /// response has begun, with an error the caller can answer with its protocol's status, instead of
    /// breaking off a body whose headers went out.
    /// - Throws: ``StorageError`` as the store reported it.
    public static func opened(blobs: any BlobStore, segments: [BlobSegment], range: Range<Int64>) async throws -> ConcatenatedBlobReader {
        let reader = ConcatenatedBlobReader(blobs: blobs, segments: segments, range: range)
        try await reader.openFirst()
        return reader
    }

    private func openFirst() async throws {
        guard current == nil, let (digest, range) = plan.popLast() else { return }
        current = try await blobs.read(digest, range: range)
    }

    public func next() async throws -> ByteBuffer? {
        while true {
            if let reader = current {
                if let buffer = try await storage({ try await reader.next() }) { return buffer }
                current = nil
            }
            guard let (digest, range) = plan.popLast() else { return nil }
            current = try await storage { try await blobs.read(digest, range: range) }
        }
    }
}
