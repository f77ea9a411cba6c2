import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import TesseraBlobStoreS3
import TesseraClient
import TesseraMetadataPostgres
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

    @Option(help: "Address to listen on. (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. (default: 9000)")
    var port: Int?

    @Option(help: "Port of a second registry endpoint for the public (ECR Public) repositories, as public.ecr.aws is one: it challenges with Bearer and hands out anonymous pull tokens, so `docker pull 127.0.0.1:PORT/r<account>/NAME` works without a login; 0 picks a free one. (default: none)")
    var publicRegistryPort: Int?

    @Option(help: "Directory holding the metadata database and the blobs. (default: ./tessera-data)")
    var dataDir: String?

    @Option(help: "Where the metadata lives: sqlite (metadata.sqlite in --data-dir) or a PostgreSQL URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE (?sslmode=disable|prefer|require|verify-full, &pool_max=N), shared by every node of a cluster. (default: sqlite)")
    var metadata: String?

    @Option(help: "Where the blobs live: data-dir (blobs/ in --data-dir) or an S3 bucket, s3://BUCKET[/PREFIX], shared by every node of a cluster; its keys come from TESSERA_S3_ACCESS_KEY_ID and TESSERA_S3_SECRET_ACCESS_KEY (and TESSERA_S3_SESSION_TOKEN). (default: data-dir)")
    var blobs: String?

    @Option(help: "The S3 endpoint of --blobs s3://…, e.g. http://127.0.0.1:7480 for radosgw or MinIO. (default: AWS S3 in --s3-region)")
    var s3Endpoint: String?

    @Option(help: "The region --blobs s3://… requests are signed for. (default: us-east-1)")
    var s3Region: String?

    @Option(help: "Seconds one attempt of a request to the --blobs s3://… store may wait for its answer (plus a second per MiB it sends); after three attempts the client's request fails with a retryable error. (default: 20)")
    var s3Timeout: Double?

    @Option(help: "Credentials file: one account per line, ACCESS_KEY SECRET ACCOUNT_ID; # starts a comment.")
    var credentials: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical. (default: info)")
    var logLevel: String?

    @Option(help: "Log format: text (one readable line per event) or json (one JSON object per line, for log shippers). (default: text)")
    var logFormat: String?

    @Option(help: "Connections open at once; one more is closed as soon as it is accepted (a connection still sending its headers holds about 16 KiB). (default: 1024)")
    var maxConnections: Int?

    @Option(help: "Free space to keep on the data directory's disk: below it, uploads are refused with a retryable error and a sweep frees what deleted data it can (bytes, or 512MiB, 2GiB; 0 turns it off). (default: 256MiB)")
    var minFreeSpace: String?

    @Option(help: "PEM certificate chain: with --tls-key, the server speaks HTTPS only (docker and podman need it for a registry not on 127.0.0.0/8).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "A file of settings, `name = value` per line (TOML; names are these flags without their leading --; TESSERA_CONFIG names the file too). A flag wins over TESSERA_<NAME> in the environment, which wins over the file.")
    var config: String?

    @Flag(help: "Print the effective configuration, saying where each value came from, and exit.")
    var printConfig = false

    @Option(help: "Seconds a Glacier job stays InProgress before it succeeds. (default: 0)")
    var glacierJobDelay: Double?

    @Option(help: "Seconds between garbage collection sweeps of unreferenced blobs. (default: 600)")
    var gcInterval: Double?

    @Option(help: "Seconds an unreferenced blob is kept before a sweep removes it. (default: 3600)")
    var gcGrace: Double?

    @Option(help: "Seconds a connection may send nothing (between requests, or stalled mid-body) before it is closed. (default: 60)")
    var idleTimeout: Double?

    @Option(help: "Seconds a container layer upload may go without a part before it expires and its bytes are reclaimed. (default: 604800)")
    var uploadExpiry: Double?

    @Option(help: "Seconds a completed container layer that no image uses is kept before its bytes are reclaimed. (default: 604800)")
    var layerExpiry: Double?

    @Option(help: "Seconds between passes that apply repositories' lifecycle policies (expiring and archiving images). (default: 3600)")
    var lifecycleInterval: Double?

    /// The flags given on the command line, by setting name.
    var flags: [String: String] {
        var given: [String: String] = [:]
        given["host"] = host
        given["port"] = port.map(String.init)
        given["public-registry-port"] = publicRegistryPort.map(String.init)
        given["data-dir"] = dataDir
        given["metadata"] = metadata
        given["blobs"] = blobs
        given["s3-endpoint"] = s3Endpoint
        given["s3-region"] = s3Region
        given["s3-timeout"] = s3Timeout.map { String($0) }
        given["credentials"] = credentials
        given["log-level"] = logLevel
        given["log-format"] = logFormat
        given["max-connections"] = maxConnections.map(String.init)
        given["min-free-space"] = minFreeSpace
        given["tls-cert"] = tlsCert
        given["tls-key"] = tlsKey
        given["glacier-job-delay"] = glacierJobDelay.map { String($0) }
        given["gc-interval"] = gcInterval.map { String($0) }
        given["gc-grace"] = gcGrace.map { String($0) }
        given["idle-timeout"] = idleTimeout.map { String($0) }
        given["upload-expiry"] = uploadExpiry.map { String($0) }
        given["layer-expiry"] = layerExpiry.map { String($0) }
        given["lifecycle-interval"] = lifecycleInterval.map { String($0) }
        return given
    }

    /// The configuration the server runs with, every value checked.
    func resolve(environment: [String: String]) throws -> (ServerConfiguration, ServeSettings, logFormat: String) {
        let configPath = config ?? environment["TESSERA_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var file: ServeConfigFile?
        if let configPath {
            guard let text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
                throw ServeConfigError("cannot read the config file \(configPath)")
            }
            file = try ServeConfigFile(parsing: text, path: configPath, known: ServeSettings.names)
        }
        let settings = ServeSettings(flags: flags, environment: environment, file: file)
        var configuration = ServerConfiguration()
        configuration.host = settings.string("host") ?? "127.0.0.1"
        configuration.port = try settings.int("port")
        configuration.publicRegistryPort = try settings.string("public-registry-port").map { _ in try settings.int("public-registry-port") }
        configuration.dataDirectory = settings.string("data-dir") ?? "./tessera-data"
        configuration.metadata = try Self.metadataLocation(settings.string("metadata") ?? "sqlite")
        let s3Timeout = try settings.double("s3-timeout")
        guard s3Timeout >= 0.1 && s3Timeout <= 3600 else { throw ServeConfigError("--s3-timeout must be 0.1 to 3600 seconds") }
        configuration.blobs = try Self.blobLocation(settings.string("blobs") ?? "data-dir", endpoint: settings.string("s3-endpoint"),
                                                    region: settings.string("s3-region") ?? "us-east-1", timeout: s3Timeout,
                                                    environment: environment)
        configuration.credentialsFile = settings.string("credentials")
        guard let level = Logger.Level(rawValue: settings.string("log-level") ?? "") else {
            throw ServeConfigError("unknown log level \(settings.string("log-level") ?? ""): trace, debug, info, notice, warning, error or critical")
        }
        configuration.logLevel = level
        let logFormat = settings.string("log-format") ?? "text"
        guard ["text", "json"].contains(logFormat) else { throw ServeConfigError("--log-format is text or json, not \(logFormat)") }
        configuration.maxConnections = try settings.int("max-connections")
        configuration.minimumFreeSpace = try settings.byteCount("min-free-space")
        configuration.tlsCertificateFile = settings.string("tls-cert")
        configuration.tlsKeyFile = settings.string("tls-key")
        configuration.glacierJobDelay = try settings.double("glacier-job-delay")
        configuration.gcInterval = try settings.double("gc-interval")
        configuration.gcGrace = try settings.double("gc-grace")
        configuration.idleTimeout = try settings.double("idle-timeout")
        configuration.uploadExpiry = try settings.double("upload-expiry")
        configuration.layerExpiry = try settings.double("layer-expiry")
        configuration.lifecycleInterval = try settings.double("lifecycle-interval")
        try Self.check(configuration)
        return (configuration, settings, logFormat)
    }

    /// `sqlite`, or a PostgreSQL URL checked here, so a typo stops the server before it listens.
    static func metadataLocation(_ text: String) throws -> MetadataLocation {
        if text == "sqlite" { return .sqlite }
        do {
            return .postgres(try PostgresURL(text))
        } catch let error as PostgresURLError {
            throw ServeConfigError("--metadata is sqlite or a PostgreSQL URL: \(error.description)")
        }
    }

    /// `data-dir`, or `s3://BUCKET[/PREFIX]` with its endpoint, region and the keys from the environment, checked
    /// here so that a typo stops the server before it listens.
    static func blobLocation(_ text: String, endpoint: String?, region: String, timeout: TimeInterval,
                             environment: [String: String]) throws -> BlobLocation {
        if text == "data-dir" { return .dataDirectory }
        guard text.hasPrefix("s3://") else { throw ServeConfigError("--blobs is data-dir or s3://BUCKET[/PREFIX], not \(text)") }
        guard let key = environment["TESSERA_S3_ACCESS_KEY_ID"], !key.isEmpty,
              let secret = environment["TESSERA_S3_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw ServeConfigError("--blobs \(text) needs the object store's keys in TESSERA_S3_ACCESS_KEY_ID and TESSERA_S3_SECRET_ACCESS_KEY")
        }
        let token = environment["TESSERA_S3_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let address = endpoint ?? AWSService.s3.defaultEndpoint(region: region)
        guard let url = URL(string: address) else { throw ServeConfigError("--s3-endpoint \(address) is not a URL") }
        do {
            var location = try S3Location.parse(text, endpoint: url, region: region,
                                                credentials: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token))
            location.answerTimeout = timeout
            return .s3(location)
        } catch let error as S3LocationError {
            throw ServeConfigError("--blobs: \(error.description)")
        }
    }

    static func check(_ configuration: ServerConfiguration) throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw ServeConfigError(message) }
        }
        try require((0...65535).contains(configuration.port), "port \(configuration.port) is not 0...65535")
        if let publicPort = configuration.publicRegistryPort {
            try require((0...65535).contains(publicPort), "--public-registry-port \(publicPort) is not 0...65535")
            try require(publicPort == 0 || publicPort != configuration.port, "--public-registry-port must differ from --port")
        }
        try require(configuration.maxConnections >= 1, "--max-connections must be at least 1")
        try require(configuration.glacierJobDelay >= 0, "--glacier-job-delay must not be negative")
        try require(configuration.gcInterval > 0, "--gc-interval must be positive")
        try require(configuration.gcGrace >= 1, "--gc-grace must be at least 1 second: uploads in flight need it")
        try require(configuration.uploadExpiry >= 1, "--upload-expiry must be at least 1 second")
        try require(configuration.layerExpiry >= 1, "--layer-expiry must be at least 1 second")
        try require(configuration.lifecycleInterval > 0, "--lifecycle-interval must be positive")
        try require(configuration.idleTimeout > 0 && configuration.idleTimeout <= 86_400,
                    "--idle-timeout must be more than 0 and at most 86400 seconds")
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let resolved: (configuration: ServerConfiguration, settings: ServeSettings, logFormat: String)
        do {
            resolved = try resolve(environment: environment)
        } catch let error as ServeConfigError {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        if printConfig {
            FileHandle.standardOutput.write(Data(resolved.settings.printed(environment: environment).utf8))
            return
        }
        var configuration = resolved.configuration
        MemoryAllocatorTuning.apply(environment: environment)
        let level = configuration.logLevel
        let json = resolved.logFormat == "json"
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
