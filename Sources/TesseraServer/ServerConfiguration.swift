import Foundation
import Logging
import TesseraMetadataPostgres

/// Everything `tessera serve` is told.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 9000
    /// The port of the public registry endpoint (ECR Public's `/v2/`, with a Bearer challenge and anonymous
    /// pull tokens; see docs/registry.md#the-public-registry-port); nil: none. 0 picks a free port.
    public var publicRegistryPort: Int?
    public var dataDirectory = "./tessera-data"
    /// Where the metadata lives (`--metadata`): the data directory's SQLite file, or a PostgreSQL database.
    public var metadata = MetadataLocation.sqlite
    /// Where the blobs live (`--blobs`): the data directory's `blobs/`, or an S3 bucket.
    public var blobs = BlobLocation.dataDirectory
    /// A credentials file (see ``CredentialStore/parse(_:source:)``).
    public var credentialsFile: String?
    /// One account from the environment (`TESSERA_ACCESS_KEY`, `TESSERA_SECRET_KEY`, `TESSERA_ACCOUNT_ID`).
    public var environmentAccount: CredentialStore.Account?
    public var logLevel: Logger.Level = .info
    /// How long Glacier jobs stay InProgress.
    public var glacierJobDelay: TimeInterval = 0
    /// Seconds between garbage collection sweeps.
    public var gcInterval: TimeInterval = 600
    /// How old an unreferenced blob must be before a sweep removes it.
    public var gcGrace: TimeInterval = 3600
    /// Seconds a connection may send nothing, between requests or in the middle of a body, before it is
    /// closed: a client that stalls mid-upload gives back its connection and its staged bytes.
    public var idleTimeout: TimeInterval = 60
    /// Seconds a registry upload may go without a part before it expires and its bytes are reclaimed.
    public var uploadExpiry: TimeInterval = 7 * 24 * 3600
    /// Seconds a completed layer that no image uses is kept.
    public var layerExpiry: TimeInterval = 7 * 24 * 3600
    /// Seconds between passes that apply repositories' lifecycle policies.
    public var lifecycleInterval: TimeInterval = 3600
    /// Connections open at once; more are closed as they are accepted.
    public var maxConnections = 1024
    /// Bytes that must stay free on the data directory's disk: below it, requests that store new data are
    /// refused with a retryable error (0: no floor). See docs/operating.md#disk-space.
    public var minimumFreeSpace: Int64 = 256 << 20
    /// PEM certificate chain and private key: both set, the server speaks HTTPS (HTTP/1.1 over TLS) only.
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?

    public init() {}
}
