import PostgresNIO
import TesseraStorage

/// A transaction PostgreSQL cancelled to break a deadlock (SQLSTATE 40P01) or a serialization conflict (40001);
/// ``PostgresSessions`` runs it again.
struct PostgresRetry: Error {
    let sqlState: String
    let text: String
}

/// How PostgreSQL's failures become ``StorageError``: the SQLSTATE, message and detail are kept in the text (for
/// the log); a unique-key violation is a ``StorageError/conflict(_:)``, a full disk (53100) is
/// ``StorageError/outOfSpace(_:)``, and everything else, lost connections included, is
/// ``StorageError/backend(_:)``, which every door answers with its retryable 5xx.
enum PostgresErrorTranslation {
    static func translate(_ error: PSQLError, doing what: String) -> any Error {
        guard error.code == .server, let info = error.serverInfo else {
            return StorageError.backend("PostgreSQL \(what) failed: \(error.code)\(error.underlying.map { " (\($0))" } ?? "")")
        }
        let state = info[.sqlState] ?? "?????"
        var text = "PostgreSQL \(what) failed: SQLSTATE \(state): \(info[.message] ?? "no message")"
        if let detail = info[.detail] { text += " (\(detail))" }
        switch state {
        case "40001", "40P01": return PostgresRetry(sqlState: state, text: text)
        case "23505": return StorageError.conflict(text)
        case "53100": return StorageError.outOfSpace(text)
        default: return StorageError.backend(text)
        }
    }
}
