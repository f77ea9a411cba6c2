import Foundation
import TesseraCore
import TesseraStorage

/// Renders a vault inventory (GetJobOutput of an inventory-retrieval job) as JSON or CSV.
enum GlacierInventory {
    static func render(archives: [ArchiveRecord], vaultARN: String, at date: Date, format: String) -> [UInt8] {
        if format == "CSV" {
            var text = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"
            for archive in archives {
                let fields = [archive.id, archive.description, ISO8601Timestamp.format(archive.createdAt),
                              String(archive.size), archive.treeHash.hex]
                text += fields.map(csvField).joined(separator: ",") + "\n"
            }
            return Array(text.utf8)
        }
        let list: [[String: Any]] = archives.map { archive in
            ["ArchiveId": archive.id, "ArchiveDescription": archive.description,
             "CreationDate": ISO8601Timestamp.format(archive.createdAt), "Size": archive.size,
             "SHA256TreeHash": archive.treeHash.hex]
        }
        let document: [String: Any] = ["VaultARN": vaultARN, "InventoryDate": ISO8601Timestamp.format(date), "ArchiveList": list]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }

    /// Quotes a field holding a comma or a quote, escaping inner quotes as `\"` (as Glacier's CSV does).
    static func csvField(_ value: String) -> String {
        guard value.contains(",") || value.contains("\"") else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
