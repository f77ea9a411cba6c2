import TesseraCore

/// Where the file-system blob store keeps things under its root directory:
///
/// ```
/// <root>/sha256/ab/abcd…(64 hex)      a committed blob, named by the SHA-256 of its content; never
///                                     modified after the rename that created it
/// <root>/staging/<random>.part        bytes being received; renamed into sha256/ on commit, deleted on
///                                     discard, and swept at start-up (anything here is unacknowledged)
/// ```
///
/// One level of 256 shard directories, all made (and made durable) when the store opens, so a commit never
/// creates a directory whose own entry would need an fsync of its parent; ext4's hashed directories keep
/// lookups fast with many thousands of entries each. The data directory as a whole is described in
/// `docs/data-directory.md`.
struct BlobDirectoryLayout: Sendable {
    let root: String

    var stagingDirectory: String { root + "/staging" }
    var blobsDirectory: String { root + "/sha256" }

    func shardDirectory(for digest: SHA256Value) -> String {
        "\(blobsDirectory)/\(digest.hex.prefix(2))"
    }

    /// Every shard directory, `00` … `ff`.
    var shardDirectories: [String] {
        (0..<256).map { blobsDirectory + "/" + Hex.encode([UInt8($0)]) }
    }

    func path(for digest: SHA256Value) -> String {
        "\(shardDirectory(for: digest))/\(digest.hex)"
    }

    func newStagingPath() -> String {
        "\(stagingDirectory)/\(RandomID.hex(byteCount: 16)).part"
    }
}
