import Logging
import NIOPosix
import SQLiteKit
import SQLKit
import TesseraMetadataSQL
import TesseraStorage

/// ``SQLSessions`` on SQLite in WAL mode with `synchronous=FULL`, so a committed transaction survives a
/// crash. Writes go through one connection, one batch at a time (SQLite has one writer); transactions
/// that queue meanwhile commit together (``GroupCommit``), one fsync for the lot. Reads use a second
/// connection, which WAL lets read the last commit while a write is being made. Each connection has its own
/// thread, which also runs the code that issues its statements (``SQLiteThread``).
public final class SQLiteSessions: SQLSessions {
    private let writerThread = SQLiteThread()
    private let readerThread = SQLiteThread()
    private let connection: SQLiteConnection
    private let lock: AsyncSerialLock
    private let readConnection: SQLiteConnection
    private let readLock = AsyncSerialLock()
    private let groupCommit: GroupCommit
    private let logger: Logger
    private let sharedMemory: SharedMemoryPreallocation

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String, logger: Logger) async throws {
        self.logger = logger
        let lock = AsyncSerialLock()
        self.lock = lock
        do {
            connection = try await Self.open(path, on: writerThread, logger: logger)
            readConnection = try await Self.open(path, on: readerThread, logger: logger)
        } catch {
            await Self.stop(writerThread, readerThread)
            throw StorageError.backend("opening SQLite database \(path): \(error)")
        }
        sharedMemory = SharedMemoryPreallocation(databasePath: path, logger: logger)
        let connection = self.connection
        groupCommit = GroupCommit(executor: writerThread) { batch in await Self.commit(batch, on: connection, lock: lock) }
    }

    private static func open(_ path: String, on thread: SQLiteThread, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: thread.pool,
                                                         logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        let db = connection.sql()
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000",
                       "PRAGMA foreign_keys=ON"] {
            try await db.raw(SQLQueryString(pragma)).run()
        }
        return connection
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let db = readConnection.sql()
        return try await withTaskExecutorPreference(readerThread) {
            try await readLock.withLock {
                try await translatingErrors { try await body(db) }
            }
        }
    }

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = TransactionOutcome<T>()
            groupCommit.enqueue(GroupCommit.Item(
                run: { db in
                    do {
                        outcome.set(.success(try await body(db)))
                        return true
                    } catch let error as SQLiteError {
                        outcome.set(.failure(StorageError(error)))
                        return false
                    } catch {
                        outcome.set(.failure(error))
                        return false
                    }
                },
                deliver: { batchError in
                    if let batchError {
                        continuation.resume(throwing: batchError)
                    } else if let result = outcome.result {
                        continuation.resume(with: result)
                    } else {
                        continuation.resume(throwing: StorageError.backend("transaction was not run"))
                    }
                }))
        }
    }

    /// Runs a batch of transactions in one BEGIN … COMMIT, each in its own savepoint.
    private static func commit(_ batch: [GroupCommit.Item], on connection: SQLiteConnection, lock: AsyncSerialLock) async {
        let db = connection.sql()
        do {
            try await lock.withLock {
                try await db.raw("BEGIN IMMEDIATE").run()
                do {
                    for item in batch {
                        try await db.raw("SAVEPOINT tessera_tx").run()
                        if await item.run(db) {
                            try await db.raw("RELEASE tessera_tx").run()
                        } else {
                            try await db.raw("ROLLBACK TO tessera_tx").run()
                            try await db.raw("RELEASE tessera_tx").run()
                        }
                    }
                    try await db.raw("COMMIT").run()
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        } catch {
            let failure = switch error {
            case let error as SQLiteError: StorageError(error, doing: "transaction batch")
            case let error as StorageError: error
            default: StorageError.backend("transaction batch failed: \(error)")
            }
            for item in batch { item.deliver(failure) }
            return
        }
        for item in batch { item.deliver(nil) }
    }

    public func close() async throws {
        do {
            try await readConnection.close()
            try await connection.close()
        } catch {
            await Self.stop(writerThread, readerThread)
            throw error
        }
        sharedMemory.release()
        await Self.stop(writerThread, readerThread)
    }

    /// Stops connections' threads; a closed or never-opened connection has no use for them.
    private static func stop(_ threads: SQLiteThread...) async {
        for thread in threads { try? await thread.shutdown() }
    }
}
