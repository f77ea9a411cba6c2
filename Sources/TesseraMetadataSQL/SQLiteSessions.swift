import Logging
import NIOPosix
import SQLiteKit
import SQLKit
import TesseraStorage

/// ``SQLSessions`` on one SQLite connection in WAL mode with `synchronous=FULL`, so a committed
/// transaction survives a crash; every statement waits its turn on one lock (SQLite has one writer).
public final class SQLiteSessions: SQLSessions {
    private let connection: SQLiteConnection
    private let lock = AsyncSerialLock()
    private let logger: Logger

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String, logger: Logger) async throws {
        self.logger = logger
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton,
                                                         logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
            let db = connection.sql()
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000",
                           "PRAGMA foreign_keys=ON"] {
                try await db.raw(SQLQueryString(pragma)).run()
            }
        } catch {
            throw StorageError.backend("opening SQLite database \(path): \(error)")
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let db = connection.sql()
        return try await lock.withLock {
            try await translatingErrors { try await body(db) }
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let db = connection.sql()
        return try await lock.withLock {
            try await translatingErrors {
                try await db.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }

    public func close() async throws {
        try await connection.close()
    }
}

/// Translates the driver's errors into ``StorageError/backend(_:)``; errors thrown by the caller's own
/// code inside a transaction (a rule refusing a change) pass through unchanged.
func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as SQLiteError {
        throw StorageError.backend(String(describing: error))
    }
}
