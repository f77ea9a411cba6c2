import Foundation
import TesseraCore

/// Glacier's input rules (docs/aws/glacier.md), each throwing the error AWS gives.
enum GlacierRules {
    static let minPartSize: Int64 = 1 << 20
    static let maxPartSize: Int64 = 1 << 32
    static let maxArchiveSize: Int64 = 1 << 32
    static let maxParts = 10_000

    static func vaultName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard !name.isEmpty, name.utf8.count <= 255, allowed else {
            throw EngineError.invalidParameter(
                "Invalid vault name: \(name). Vault names are 1 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'")
        }
    }

    /// Checks a description (≤1024 bytes of printable ASCII) and returns it without leading spaces.
    static func description(_ text: String?, what: String = "archive description") throws -> String {
        guard let text else { return "" }
        guard text.utf8.count <= 1024, text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7e }) else {
            throw EngineError.invalidParameter("Invalid \(what): it must be at most 1024 printable ASCII characters")
        }
        return String(text.drop { $0 == " " })
    }

    /// Parses x-amz-part-size: 1 MiB × 2^k, up to 4 GiB.
    static func partSize(_ text: String?) throws -> Int64 {
        guard let text else { throw EngineError.missingParameter("Required parameter missing: x-amz-part-size") }
        guard let size = Int64(text), size >= minPartSize, size <= maxPartSize, size & (size - 1) == 0 else {
            throw EngineError.invalidParameter(
                "Invalid part size: \(text). Part size must be a megabyte (1024 KB) multiplied by a power of 2, from 1 MB to 4 GB.")
        }
        return size
    }

    /// Parses a tree-hash header value (64 hex digits).
    static func treeHash(_ text: String?) throws -> SHA256Value {
        guard let text else { throw EngineError.missingParameter("Required parameter missing: x-amz-sha256-tree-hash") }
        guard let digest = SHA256Value(hex: text) else { throw EngineError.invalidParameter("Invalid x-amz-sha256-tree-hash: \(text)") }
        return digest
    }

    /// Parses a `limit` query value: a decimal from 1 to 1000; nil gives the default.
    static func limit(_ text: String?, default fallback: Int) throws -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), value >= 1, value <= 1000 else {
            throw EngineError.invalidParameter("Invalid limit: \(text). It must be a number from 1 to 1000.")
        }
        return value
    }

    static func checksumMismatch(expected: SHA256Value, computed: SHA256Value) -> EngineError {
        .checksumMismatch(expected: expected.hex, computed: computed.hex)
    }
}
