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
}

extension Date {
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
