import Foundation
import Crypto

/// A SHA-256 digest: the address of every blob and the unit of every checksum.
public struct SHA256Value: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 32 raw bytes.
    public let bytes: [UInt8]

    /// Wraps 32 raw bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 64 hex digits (either case); nil otherwise.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 64, let raw = Hex.decode(hex) else { return nil }
        self.bytes = raw
    }

    /// Wraps a finished swift-crypto digest.
    public init(_ digest: SHA256.Digest) {
        self.bytes = Array(digest)
    }

    /// Lower-case hex, as on the wire and on disk.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    /// The digest of the empty byte string.
    public static let empty = SHA256Value.of([])

    /// SHA-256 of a byte buffer held in memory (small values only: manifests, test data).
    public static func of<Bytes: DataProtocol>(_ data: Bytes) -> SHA256Value {
        SHA256Value(SHA256.hash(data: data))
    }

    /// SHA-256 of the concatenation of two digests' raw bytes: a tree-hash parent node.
    public static func parent(_ left: SHA256Value, _ right: SHA256Value) -> SHA256Value {
        var hasher = SHA256()
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return SHA256Value(hasher.finalize())
    }

    public static func < (lhs: SHA256Value, rhs: SHA256Value) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
