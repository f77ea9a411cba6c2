import Logging
import PostgresKit
import PostgresNIO
import SQLKit
import TesseraMetadataSQL
import TesseraStorage

/// ``SQLSessions`` on PostgreSQL through a pool of connections (`PostgresClient`), for several nodes sharing one
/// database. Transactions run at PostgreSQL's default isolation, READ COMMITTED: the shared queries are written
/// so that each state change is one conditional statement, or claims the row it depends on (`FOR UPDATE`,
/// `FOR SHARE`) before it reads and writes, which READ COMMITTED makes safe. A transaction that loses a
/// deadlock or a serialization check is run again (at most ``maximumAttempts`` times); every other failure ends
/// it, rolled back, as a ``StorageError`` carrying PostgreSQL's SQLSTATE and message.
public final class PostgresSessions: SQLSessions {
    /// How often a transaction is tried when PostgreSQL cancels it to break a deadlock or a serialization conflict.
    public static let maximumAttempts = 5

    /// How long a request waits for a connection before it fails (the pool keeps reconnecting meanwhile).
    public static let leaseTimeoutSeconds = 10

    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let target: String

    /// Starts a pool of connections to the database `configuration` names. Connections are made on first use; the
    /// pool keeps trying to reach a server that is down, and each request fails cleanly meanwhile.
    public init(configuration: PostgresURL, logger: Logger) async {
        self.logger = logger
        target = "\(configuration.host):\(configuration.port)"
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: configuration.tls)
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = .seconds(5)
        if let searchPath = configuration.searchPath {
            clientConfiguration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        self.client = client
        // Requests should not lease before run() has begun (PostgresNIO warns): wait for the runner to be on
        // its way into it.
        let (started, signal) = AsyncStream<Void>.makeStream()
        runner = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await translatingErrors(doing: "query") {
                try await LeaseDeadline.run(seconds: Self.leaseTimeoutSeconds, describing: target) { [client] markLeased in
                    try await client.withConnection { connection in
                        markLeased()
                        return try await CallerFailure.boxing { try await body(connection.sql(queryLogLevel: nil)) }
                    }
                }
            }
        } catch let error as PostgresRetry {
            throw StorageError.backend(error.text)
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await translatingErrors(doing: "transaction") {
                    try await LeaseDeadline.run(seconds: Self.leaseTimeoutSeconds, describing: target) { [client] markLeased in
                        try await client.withConnection { connection in
                            markLeased()
                            return try await Self.runTransaction(body, on: connection)
                        }
                    }
                }
            } catch let error as PostgresRetry where attempt < Self.maximumAttempts {
                logger.debug("retrying a transaction PostgreSQL cancelled", metadata: ["tessera.sqlstate": "\(error.sqlState)"])
                attempt += 1
            } catch let error as PostgresRetry {
                throw StorageError.backend("transaction cancelled \(Self.maximumAttempts) times (SQLSTATE \(error.sqlState)): \(error.text)")
            }
        }
    }

    /// BEGIN, `body`, COMMIT on one connection; ROLLBACK when `body` or the COMMIT throws.
    private static func runTransaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T,
                                                     on connection: PostgresConnection) async throws -> T {
        let db = connection.sql(queryLogLevel: nil)
        try await db.raw("BEGIN").run()
        do {
            let result = try await CallerFailure.boxing { try await body(db) }
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Translates the driver's and the pool's errors into ``StorageError`` (or ``PostgresRetry`` for the ones
    /// worth a retry); errors thrown by the caller's own code inside a transaction (a rule refusing a change)
    /// pass through unchanged.
    private func translatingErrors<T>(doing what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as CallerFailure {
            guard let error = failure.error as? PSQLError else { throw failure.error }
            throw PostgresErrorTranslation.translate(error, doing: what)
        } catch let error as PSQLError {
            throw PostgresErrorTranslation.translate(error, doing: what)
        } catch let error as StorageError {
            throw error
        } catch {
            // Anything else comes from the pool: no connection could be made or leased.
            throw StorageError.backend("PostgreSQL \(what) failed: no connection: \(error)")
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }
}

/// An error thrown while the caller's code ran on a connection — the driver's, for a statement, or the
/// caller's own — kept apart from the pool's failures to lend a connection at all.
private struct CallerFailure: Error {
    let error: any Error

    static func boxing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw CallerFailure(error: error)
        }
    }
}
