import Foundation

/// What this client knows of a snapshot's content: the SHA-256 (base64, as the EBS APIs write it) of every
/// block that is not all zeros. Written for each snapshot `tessera ebs upload` makes or `tessera ebs download`
/// reads, in `$XDG_STATE_HOME/tessera/ebs-manifests/SNAPSHOT.json`; an incremental upload compares the image
/// with its parent's manifest and sends only the blocks that differ.
public struct EBSBlockManifest: Codable, Sendable, Equatable {
    public var format: Int
    public var snapshotId: String
    public var volumeSize: Int64
    /// Block index → base64 SHA-256, for every block with data.
    public var blocks: [Int64: String]

    public init(snapshotId: String, volumeSize: Int64, blocks: [Int64: String]) {
        self.format = 1
        self.snapshotId = snapshotId
        self.volumeSize = volumeSize
        self.blocks = blocks
    }

    // On disk the block map is a JSON object keyed by the index in decimal: {"0": "…", "17": "…"}.
    enum CodingKeys: String, CodingKey {
        case format, snapshotId, volumeSize, blocks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        snapshotId = try container.decode(String.self, forKey: .snapshotId)
        volumeSize = try container.decode(Int64.self, forKey: .volumeSize)
        let text = try container.decode([String: String].self, forKey: .blocks)
        var blocks: [Int64: String] = [:]
        for (key, checksum) in text {
            guard let index = Int64(key) else {
                throw DecodingError.dataCorruptedError(forKey: .blocks, in: container, debugDescription: "block index \(key)")
            }
            blocks[index] = checksum
        }
        self.blocks = blocks
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(snapshotId, forKey: .snapshotId)
        try container.encode(volumeSize, forKey: .volumeSize)
        try container.encode(Dictionary(uniqueKeysWithValues: blocks.map { (String($0.key), $0.value) }), forKey: .blocks)
    }

    /// The manifest folder next to the resume journals.
    public static func directory(journals: TransferJournalDirectory) -> URL {
        journals.url.deletingLastPathComponent().appendingPathComponent("ebs-manifests")
    }

    public static func load(_ snapshotID: String, from directory: URL) -> EBSBlockManifest? {
        let url = directory.appendingPathComponent("\(snapshotID).json")
        guard let data = try? Data(contentsOf: url),
              let manifest = try? JSONDecoder().decode(EBSBlockManifest.self, from: data),
              manifest.format == 1, manifest.snapshotId == snapshotID else { return nil }
        return manifest
    }

    public func save(in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("\(snapshotId).json")
        let temporary = url.appendingPathExtension("new")
        try JSONEncoder.sortedKeys.encode(self).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw LocalFileError(path: url.path, code: errno, doing: "write")
        }
    }
}
