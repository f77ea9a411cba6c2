import SQLKit

/// How the metadata store reaches its database: plain reads, and transactions that either commit whole
/// or leave nothing behind. SQLite serialises both on one connection; PostgreSQL will use a pool.
public protocol SQLSessions: Sendable {
    /// Runs `body` against the database outside a transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Closes the database.
    func close() async throws
}
