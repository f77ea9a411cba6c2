import Foundation
import Logging
import TesseraBlobStoreFileSystem
import TesseraMetadataSQL
import TesseraStorage

/// The stores of one data directory: `metadata.sqlite` and `blobs/` (see docs/data-directory.md).
public struct ServerStores: Sendable {
    public let metadata: SQLMetadataStore
    public let blobs: FileSystemBlobStore

    /// Opens the stores, creating the directory on first use.
    public static func open(dataDirectory: String, logger: Logger) async throws -> ServerStores {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let metadata = try await SQLMetadataStore.sqlite(path: dataDirectory + "/metadata.sqlite", logger: logger)
        let blobs = try await FileSystemBlobStore(root: dataDirectory + "/blobs")
        return ServerStores(metadata: metadata, blobs: blobs)
    }
}
