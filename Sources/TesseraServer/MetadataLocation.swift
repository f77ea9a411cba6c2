import TesseraMetadataPostgres

/// Where a server keeps its metadata: `metadata.sqlite` in the data directory (one node, the default), or a
/// PostgreSQL database that several nodes share.
public enum MetadataLocation: Sendable, Equatable {
    case sqlite
    case postgres(PostgresURL)
}
