/// The Glacier SHA-256 tree hash (see docs/aws/glacier.md#tree-hash).
///
/// Leaves are the SHA-256 of each 1 MiB chunk; parents hash the concatenation of two children, left to
/// right; an unpaired last node is promoted unchanged. Because Glacier part sizes are 1 MiB × 2^k, the tree
/// hash of an archive is the tree built over its parts' tree hashes, so completing an upload never re-reads bytes.
public enum TreeHash {
    /// The chunk size of a leaf: 1 MiB.
    public static let chunkSize = 1 << 20

    /// Reduces a list of nodes, left to right, level by level, to the root. The empty list yields the
    /// SHA-256 of the empty string, which is what clients send for an empty payload.
    public static func root(of nodes: [SHA256Value]) -> SHA256Value {
        guard !nodes.isEmpty else { return .empty }
        var level = nodes
        while level.count > 1 {
            var next: [SHA256Value] = []
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index + 1 < level.count {
                next.append(.parent(level[index], level[index + 1]))
                index += 2
            }
            if index < level.count { next.append(level[index]) }
            level = next
        }
        return level[0]
    }

    /// The tree hash of bytes held in memory (tests, small values).
    public static func of(_ bytes: [UInt8]) -> SHA256Value {
        var hasher = TreeHasher()
        bytes.withUnsafeBufferPointer { hasher.update($0) }
        return hasher.finalize()
    }

    /// Whether `range` (in bytes, half-open) over an archive of `size` bytes is tree-hash aligned: it is
    /// exactly one node of the archive's tree, so its tree hash is meaningful to a client.
    public static func isAligned(_ range: Range<Int64>, archiveSize size: Int64) -> Bool {
        let mib = Int64(chunkSize)
        guard size > 0, range.lowerBound >= 0, range.upperBound <= size, !range.isEmpty,
              range.lowerBound % mib == 0 else { return false }
        let chunkCount = (size + mib - 1) / mib
        let first = range.lowerBound / mib
        let endChunk = range.upperBound == size ? chunkCount : range.upperBound / mib
        guard range.upperBound == size || range.upperBound % mib == 0 else { return false }
        var span: Int64 = 1
        while span <= chunkCount * 2 {
            if first % span == 0 && endChunk == min(first + span, chunkCount) { return true }
            span *= 2
        }
        return false
    }
}
