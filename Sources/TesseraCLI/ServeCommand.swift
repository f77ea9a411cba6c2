import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import TesseraServer

/// `tessera serve`: runs the server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server.",
        discussion: """
            Prints `listening on http://HOST:PORT` once it accepts connections. Credentials come from --credentials, \
            else TESSERA_ACCESS_KEY/TESSERA_SECRET_KEY/TESSERA_ACCOUNT_ID, else a key pair generated on first start and \
            kept in the data directory.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 9000

    @Option(help: "Directory holding the metadata database and the blobs.")
    var dataDir = "./tessera-data"

    @Option(help: "Credentials file: one account per line, ACCESS_KEY SECRET ACCOUNT_ID; # starts a comment.")
    var credentials: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Log format: text (one readable line per event) or json (one JSON object per line, for log shippers).")
    var logFormat = "text"

    @Option(help: "Connections open at once; one more is closed as soon as it is accepted (each open connection can hold about 130 KiB while it sends headers).")
    var maxConnections = 1024

    @Option(help: "PEM certificate chain: with --tls-key, the server speaks HTTPS only (docker and podman need it for a registry not on 127.0.0.0/8).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Seconds a Glacier job stays InProgress before it succeeds.")
    var glacierJobDelay: Double = 0

    @Option(help: "Seconds between garbage collection sweeps of unreferenced blobs.")
    var gcInterval: Double = 600

    @Option(help: "Seconds an unreferenced blob is kept before a sweep removes it.")
    var gcGrace: Double = 3600

    @Option(help: "Seconds a connection may send nothing (between requests, or stalled mid-body) before it is closed.")
    var idleTimeout: Double = 60

    @Option(help: "Seconds a container layer upload may go without a part before it expires and its bytes are reclaimed.")
    var uploadExpiry: Double = 7 * 24 * 3600

    @Option(help: "Seconds a completed container layer that no image uses is kept before its bytes are reclaimed.")
    var layerExpiry: Double = 7 * 24 * 3600

    @Option(help: "Seconds between passes that apply repositories' lifecycle policies (expiring and archiving images).")
    var lifecycleInterval: Double = 3600

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \(logLevel)") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format is text or json, not \(logFormat)") }
        guard (0...65535).contains(port) else { throw ValidationError("port \(port) is not 0...65535") }
        guard glacierJobDelay >= 0 else { throw ValidationError("--glacier-job-delay must not be negative") }
        guard gcInterval > 0 else { throw ValidationError("--gc-interval must be positive") }
        guard gcGrace >= 1 else { throw ValidationError("--gc-grace must be at least 1 second: uploads in flight need it") }
        guard uploadExpiry >= 1 else { throw ValidationError("--upload-expiry must be at least 1 second") }
        guard layerExpiry >= 1 else { throw ValidationError("--layer-expiry must be at least 1 second") }
        guard lifecycleInterval > 0 else { throw ValidationError("--lifecycle-interval must be positive") }
        guard idleTimeout > 0 && idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout must be more than 0 and at most 86400 seconds") }
    }

    func run() async throws {
        MemoryAllocatorTuning.apply(environment: ProcessInfo.processInfo.environment)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = dataDir
        configuration.credentialsFile = credentials
        configuration.logLevel = level
        configuration.glacierJobDelay = glacierJobDelay
        configuration.gcInterval = gcInterval
        configuration.gcGrace = gcGrace
        configuration.idleTimeout = idleTimeout
        configuration.uploadExpiry = uploadExpiry
        configuration.lifecycleInterval = lifecycleInterval
        configuration.layerExpiry = layerExpiry
        configuration.maxConnections = maxConnections
        configuration.tlsCertificateFile = tlsCert
        configuration.tlsKeyFile = tlsKey
        let environment = ProcessInfo.processInfo.environment
        if let key = environment["TESSERA_ACCESS_KEY"], let secret = environment["TESSERA_SECRET_KEY"] {
            configuration.environmentAccount = .init(accessKey: key, secret: secret,
                                                     accountID: environment["TESSERA_ACCOUNT_ID"] ?? "000000000000")
        }
        do {
            try await TesseraServer.run(configuration, metrics: registry) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch let error as ConfigurationError {
            // A setting the server cannot start with: one line that says what to change, no usage text.
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
