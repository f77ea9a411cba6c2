import Crypto
import Foundation
import TesseraCore

/// The resume journal of one transfer: a JSON Lines file whose first line says what is being transferred
/// (``Header``) and whose every further line records one part the service has verified (``Entry``), appended
/// and flushed to disk as each part is acknowledged. A torn last line, left by a crash mid-append, is ignored.
///
/// The file lives in `$XDG_STATE_HOME/tessera/transfers/` (default `~/.local/state/tessera/transfers/`), named
/// by a hash of the header's `identity`, so a rerun of the same command finds it. It is removed when the
/// transfer completes. The format is documented in docs/client.md.
public struct TransferJournal: Sendable {
    public struct Header: Codable, Sendable, Equatable {
        /// Format version of the file; 1.
        public var format: Int
        /// `glacier-upload`, `glacier-download`, `ebs-upload`, `ebs-download`.
        public var kind: String
        /// What makes two runs the same transfer: endpoint, access key id, vault or snapshot, the local file's
        /// path, size and modification time.
        public var identity: [String: String]
        /// The service's handle on the transfer: an upload id, a job id, a snapshot id.
        public var session: String
        public var partSize: Int64
        public var totalSize: Int64?

        public init(kind: String, identity: [String: String], session: String, partSize: Int64, totalSize: Int64?) {
            self.format = 1
            self.kind = kind
            self.identity = identity
            self.session = session
            self.partSize = partSize
            self.totalSize = totalSize
        }
    }

    /// Part `part` is done; `hash` is what verifies it (a tree hash or a SHA-256, hex or base64 as the
    /// service writes it).
    public struct Entry: Codable, Sendable, Equatable {
        public var part: Int
        public var hash: String

        public init(part: Int, hash: String) {
            self.part = part
            self.hash = hash
        }
    }

    public let header: Header
    public let entries: [Int: String]

    /// Reads a journal; nil when the file is missing or its header is unreadable.
    public static func read(at url: URL) -> TransferJournal? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first)),
              header.format == 1 else { return nil }
        var entries: [Int: String] = [:]
        for line in lines.dropFirst() {
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line)) else { continue }
            entries[entry.part] = entry.hash
        }
        return TransferJournal(header: header, entries: entries)
    }

    /// The file name for a transfer with this identity.
    public static func fileName(kind: String, identity: [String: String]) -> String {
        let canonical = ([kind] + identity.keys.sorted().map { "\($0)=\(identity[$0] ?? "")" }).joined(separator: "\n")
        let digest = SHA256Value(SHA256.hash(data: Data(canonical.utf8)))
        return "\(kind)-\(digest.hex.prefix(24)).jsonl"
    }
}
