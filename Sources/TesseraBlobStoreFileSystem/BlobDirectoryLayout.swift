import TesseraCore

/// Where the file-system blob store keeps things under its root directory:
///
/// ```
/// <root>/sha256/ab/cd/abcd…(64 hex)   a committed blob, named by the SHA-256 of its content; never
///                                     modified after the rename that created it
/// <root>/staging/<random>.part        bytes being received; renamed into sha256/ on commit, deleted on
///                                     discard, and swept at start-up (anything here is unacknowledged)
/// ```
///
/// Two levels of two hex digits keep directories small (65,536 leaves). The data directory as a whole
/// is described in `docs/data-directory.md`.
struct BlobDirectoryLayout: Sendable {
    let root: String

    var stagingDirectory: String { root + "/staging" }
    var blobsDirectory: String { root + "/sha256" }

    func shardDirectory(for digest: SHA256Value) -> String {
        let hex = digest.hex
        return "\(blobsDirectory)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))"
    }

    func path(for digest: SHA256Value) -> String {
        "\(shardDirectory(for: digest))/\(digest.hex)"
    }

    func newStagingPath() -> String {
        "\(stagingDirectory)/\(RandomID.hex(byteCount: 16)).part"
    }
}
