import Foundation
import Logging
import SQLKit
import Testing
import TesseraMetadataPostgres
import TesseraMetadataSQL
import TesseraMetadataSQLite

/// The metadata backends the tests run on: SQLite always; PostgreSQL when `TESSERA_TEST_POSTGRES_URL` names a
/// server (`.ci/run` starts one and sets it). Each store gets a database of its own — a SQLite file in the
/// test's directory, or a new PostgreSQL schema, dropped afterwards.
public enum TestMetadataBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// The PostgreSQL server's URL (its database must exist; schemas are made in it).
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TESSERA_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backends this run can use.
    public static var available: [TestMetadataBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// The backend the engine and server fixtures use: `TESSERA_TEST_METADATA=postgres` moves them to
    /// PostgreSQL (which then needs `TESSERA_TEST_POSTGRES_URL`).
    public static var forFixtures: TestMetadataBackend {
        ProcessInfo.processInfo.environment["TESSERA_TEST_METADATA"] == "postgres" ? .postgres : .sqlite
    }

    /// Runs `body` on a new, empty store of this backend and closes it (and drops its schema) afterwards.
    public func withStore<T>(directory: String, logger: Logger = Logger(label: "tessera.test.metadata"),
                             _ body: (SQLMetadataStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let store = try await SQLMetadataStore.sqlite(path: directory + "/metadata.sqlite", logger: logger)
            return try await Self.closing(store, body)
        case .postgres:
            return try await TestPostgresSchema.with(logger: logger) { url in
                let store = try await SQLMetadataStore.postgres(url, logger: logger)
                return try await Self.closing(store, body)
            }
        }
    }

    /// Runs `body` on `count` stores that share one new, empty database, as `count` nodes of a cluster would
    /// (for SQLite: connections from as many processes); closes them all afterwards.
    public func withStores<T>(_ count: Int, directory: String, logger: Logger = Logger(label: "tessera.test.metadata"),
                              _ body: ([SQLMetadataStore]) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await Self.opening(count, { try await SQLMetadataStore.sqlite(path: directory + "/metadata.sqlite", logger: logger) }, body)
        case .postgres:
            return try await TestPostgresSchema.with(logger: logger) { url in
                try await Self.opening(count, { try await SQLMetadataStore.postgres(url, logger: logger) }, body)
            }
        }
    }

    static func opening<T>(_ count: Int, _ open: () async throws -> SQLMetadataStore,
                           _ body: ([SQLMetadataStore]) async throws -> T) async throws -> T {
        var stores: [SQLMetadataStore] = []
        let result: T
        do {
            for _ in 0..<count { stores.append(try await open()) }
            result = try await body(stores)
        } catch {
            for store in stores { try? await store.close() }
            throw error
        }
        for store in stores { try await store.close() }
        return result
    }

    /// Runs `body` on `store`, closing the store afterwards whatever happens.
    static func closing<T>(_ store: SQLMetadataStore, _ body: (SQLMetadataStore) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return result
    }
}

/// A PostgreSQL schema of its own for one test, made in the database `TESSERA_TEST_POSTGRES_URL` names.
public enum TestPostgresSchema {
    public static func with<T>(logger: Logger, _ body: (PostgresURL) async throws -> T) async throws -> T {
        guard let text = TestMetadataBackend.postgresURL else {
            throw TestPostgresUnavailable()
        }
        let admin = try PostgresURL(text)
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let sessions = await PostgresSessions(configuration: admin, logger: logger)
        try await sessions.read { db in try await db.raw("CREATE SCHEMA \(ident: name)").run() }
        var url = admin
        url.searchPath = name
        url.maximumConnections = 4
        let result: T
        do {
            result = try await body(url)
        } catch {
            try? await sessions.read { db in try await db.raw("DROP SCHEMA \(ident: name) CASCADE").run() }
            try? await sessions.close()
            throw error
        }
        try await sessions.read { db in try await db.raw("DROP SCHEMA \(ident: name) CASCADE").run() }
        try await sessions.close()
        return result
    }
}

public struct TestPostgresUnavailable: Error, CustomStringConvertible {
    public var description: String { "TESSERA_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against" }
}
