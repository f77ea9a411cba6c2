import Logging
import TesseraMetadataSQL

extension SQLMetadataStore {
    /// Opens the SQLite database at `path` (the single-node default), creating it and its schema if needed.
    public static func sqlite(path: String, logger: Logger) async throws -> SQLMetadataStore {
        try await SQLMetadataStore(sessions: SQLiteSessions(path: path, logger: logger))
    }
}
