import Foundation
import NIOSSL
import PostgresNIO

/// Where the metadata lives when it is on PostgreSQL, read from a `postgres://USER:PASSWORD@HOST:PORT/DATABASE`
/// URL (`postgresql://` too). The query may set `sslmode` — `disable`; `prefer` (the default: TLS when the
/// server offers it); `require` (TLS or nothing; like libpq, neither checks the server's certificate);
/// `verify-full` (TLS with the certificate checked against the system's roots and the host name) — and
/// `pool_max`, the most connections this node opens (default 20); and `search_path`, the schema Tessera's tables
/// live in (default: PostgreSQL's, normally `public`; made on first start if missing). The password may be left out of the URL and
/// given in `PGPASSWORD` instead.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var maximumConnections: Int
    public var searchPath: String?

    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// Parses `text`; the error says what is wrong with it, without repeating the password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw PostgresURLError("must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError("names no host") }
        guard let username = components.user, !username.isEmpty else { throw PostgresURLError("names no user") }
        self.host = host
        self.username = username
        port = components.port ?? 5432
        password = components.password ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        sslMode = .prefer
        maximumConnections = 20
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw PostgresURLError("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "pool_max":
                guard let value = item.value.flatMap(Int.init), (1...1000).contains(value) else {
                    throw PostgresURLError("pool_max must be a whole number from 1 to 1000")
                }
                maximumConnections = value
            case "search_path":
                guard let value = item.value, !value.isEmpty else { throw PostgresURLError("search_path is empty") }
                searchPath = value
            default:
                throw PostgresURLError("has an unknown parameter \(item.name) (known: sslmode, pool_max, search_path)")
            }
        }
    }

    /// The TLS setting PostgresNIO takes for ``sslMode``.
    var tls: PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        return switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(unverified)
        case .require: .require(unverified)
        case .verifyFull: .require(.makeClientConfiguration())
        }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)&pool_max=\(maximumConnections)"
            + (searchPath.map { "&search_path=\($0)" } ?? "")
    }
}

/// A `--metadata` URL that cannot be used; the text says why.
public struct PostgresURLError: Error, CustomStringConvertible {
    public let description: String
    init(_ problem: String) { description = "the PostgreSQL URL \(problem)" }
}
