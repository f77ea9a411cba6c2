import Foundation
import Logging
import SQLKit
import TesseraStorage

/// The metadata store on SQLKit: one set of queries for SQLite (the default, `TesseraMetadataSQLite`) and
/// PostgreSQL (`TesseraMetadataPostgres`); each leaf supplies the ``SQLSessions``.
/// Times are stored as milliseconds since 1970 (BIGINT), digests as lower-case hex.
public struct SQLMetadataStore: Sendable {
    let sessions: any SQLSessions

    /// Wraps `sessions` and brings the schema up to date.
    public init(sessions: any SQLSessions) async throws {
        self.sessions = sessions
        try await SchemaMigrations.apply(using: sessions)
    }

    public func close() async throws {
        try await sessions.close()
    }

    /// Orders, until the transaction ends, the transactions that call this with the same `purpose` and account:
    /// for a statement that counts an account's rows and inserts one more only under a limit. SQLite runs one
    /// writer at a time already; on PostgreSQL two READ COMMITTED inserts would each count without the other's
    /// row, so a transaction-scoped advisory lock keyed on (purpose, account) makes the second wait.
    static func orderPerAccount(_ db: any SQLDatabase, purpose: Int32, accountID: String) async throws {
        guard db.dialect.name == "postgresql" else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: purpose), hashtext(\(bind: accountID)))").run()
    }
}

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
