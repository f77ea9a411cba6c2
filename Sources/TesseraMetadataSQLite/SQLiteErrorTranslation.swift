import SQLiteKit
import TesseraStorage

/// Translates the driver's errors into ``StorageError``; errors thrown by the caller's own code inside a
/// transaction (a rule refusing a change) pass through unchanged.
func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as SQLiteError {
        throw StorageError(error)
    }
}

extension StorageError {
    /// A driver error: ``outOfSpace(_:)`` when SQLite found the disk full (`SQLITE_FULL`), else ``backend(_:)``.
    init(_ error: SQLiteError, doing what: String? = nil) {
        let text = (what.map { "\($0) failed: " } ?? "") + String(describing: error)
        self = error.reason == .full ? .outOfSpace(text) : .backend(text)
    }
}
