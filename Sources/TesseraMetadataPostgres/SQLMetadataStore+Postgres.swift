import Foundation
import Logging
import SQLKit
import TesseraMetadataSQL

extension SQLMetadataStore {
    /// Connects to the PostgreSQL database `url` names and brings its schema up to date (once, however many
    /// nodes start together).
    public static func postgres(_ url: PostgresURL, logger: Logger) async throws -> SQLMetadataStore {
        let sessions = await PostgresSessions(configuration: url, logger: logger)
        do {
            if let schema = url.searchPath?.split(separator: ",").first.map({ $0.trimmingCharacters(in: .whitespaces) }) {
                try await createSchemaIfMissing(schema, using: sessions)
            }
            return try await SQLMetadataStore(sessions: sessions)
        } catch {
            try? await sessions.close()
            throw error
        }
    }

    /// Makes the schema `search_path` names first, under the migrations' advisory lock (two nodes creating it at
    /// once would otherwise collide in PostgreSQL's catalog).
    static func createSchemaIfMissing(_ schema: String, using sessions: PostgresSessions) async throws {
        try await sessions.transaction { db in
            try await db.raw("SELECT pg_advisory_xact_lock(\(bind: SchemaMigrations.lockKey))").run()
            try await db.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
    }
}
