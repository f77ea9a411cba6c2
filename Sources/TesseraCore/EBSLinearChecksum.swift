import Crypto
import Foundation

/// The EBS direct APIs' checksums: a block's is base64(SHA-256(block)); a snapshot's LINEAR aggregate is
/// base64(SHA-256(d₀ ‖ d₁ ‖ …)) over the raw 32-byte digests of the written blocks in ascending index order
/// (docs/aws/ebs.md#linear-checksum; hashing the base64 texts instead is what AWS rejects).
public enum EBSLinearChecksum {
    /// base64 of a digest, as in `x-amz-Checksum`.
    public static func base64(_ digest: SHA256Value) -> String {
        Data(digest.bytes).base64EncodedString()
    }

    /// Parses a base64 SHA-256 (44 characters); nil otherwise.
    public static func digest(base64 text: String) -> SHA256Value? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return SHA256Value(bytes: Array(data))
    }

    /// The LINEAR aggregate of block digests given in ascending block index order.
    public static func aggregate(_ digests: [SHA256Value]) -> String {
        var hasher = SHA256()
        for digest in digests { hasher.update(data: digest.bytes) }
        return Data(hasher.finalize()).base64EncodedString()
    }
}
