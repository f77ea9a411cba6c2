import TesseraBlobStoreS3

/// Where a server keeps its blobs: `blobs/` in the data directory (one node, the default), or an S3 bucket
/// that several nodes share.
public enum BlobLocation: Sendable, Equatable {
    case dataDirectory
    case s3(S3Location)
}
