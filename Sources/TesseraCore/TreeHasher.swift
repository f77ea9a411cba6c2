import Crypto

/// Computes a Glacier tree hash in one streaming pass, holding one 1 MiB leaf hasher and a stack of at
/// most log2(n) completed subtree roots.
public struct TreeHasher {
    private var leaf = SHA256()
    private var leafFill = 0
    private var bytesSeen: Int64 = 0
    /// Completed perfect subtrees, largest first: (height, root).
    private var stack: [(height: Int, node: SHA256Value)] = []

    public init() {}

    /// Number of bytes consumed so far.
    public var count: Int64 { bytesSeen }

    /// Consumes bytes.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var rest = buffer[...]
        while !rest.isEmpty {
            let take = min(rest.count, TreeHash.chunkSize - leafFill)
            leaf.update(bufferPointer: UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            leafFill += take
            bytesSeen += Int64(take)
            rest = rest.dropFirst(take)
            if leafFill == TreeHash.chunkSize { closeLeaf() }
        }
    }

    /// Consumes bytes.
    public mutating func update(_ buffer: UnsafeBufferPointer<UInt8>) {
        update(UnsafeRawBufferPointer(buffer))
    }

    /// The root over everything consumed; SHA-256("") when nothing was.
    public mutating func finalize() -> SHA256Value {
        if leafFill > 0 || stack.isEmpty { closeLeaf() }
        var root = stack.removeLast().node
        while let left = stack.popLast() { root = .parent(left.node, root) }
        return root
    }

    private mutating func closeLeaf() {
        var node = SHA256Value(leaf.finalize())
        var height = 0
        while let top = stack.last, top.height == height {
            stack.removeLast()
            node = .parent(top.node, node)
            height += 1
        }
        stack.append((height, node))
        leaf = SHA256()
        leafFill = 0
    }
}
