import TesseraStorage
/// What the snapshot service refuses. The EBS front door maps every case, in one exhaustive switch, to
/// EBS's wire errors (docs/aws/ebs.md#errors).
public enum SnapshotError: Error, Sendable, Equatable {
    /// The `Reason` values of ValidationException that this service gives.
    public enum ValidationReason: String, Sendable {
        case invalidSnapshotID = "INVALID_SNAPSHOT_ID"
        case invalidBlock = "INVALID_BLOCK"
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case invalidPageToken = "INVALID_PAGE_TOKEN"
        case invalidBlockToken = "INVALID_BLOCK_TOKEN"
        case unrelatedSnapshots = "UNRELATED_SNAPSHOTS"
        case invalidVolumeSize = "INVALID_VOLUME_SIZE"
        case invalidTag = "INVALID_TAG"
    }

    /// ValidationException with a Reason (the service's own checks).
    case validation(ValidationReason, String)
    /// A member outside its modeled constraint (the framework's check): the message names the member.
    case constraint(String)
    /// ResourceNotFoundException SNAPSHOT_NOT_FOUND.
    case snapshotNotFound(String)
    /// ConflictException (a ClientToken reused with other parameters).
    case conflict(String)
    /// The block's bytes do not match `x-amz-Checksum` (EBS answers InvalidSignatureException, 403).
    case checksumMismatch(computed: String, expected: String)
    /// A storage failure; never the client's fault.
    case storageFailure(String)
    /// The disk is full or below the free-space floor; the same request succeeds once space is freed.
    case outOfSpace(String)

    /// A storage failure as the snapshot service reports it.
    init(_ error: StorageError) {
        if case .outOfSpace(let text) = error { self = .outOfSpace(text) } else { self = .storageFailure(error.description) }
    }

    /// A failure of the shared ingest pipeline as the snapshot service reports it.
    init(_ error: EngineError) {
        if case .outOfSpace(let text) = error { self = .outOfSpace(text) } else { self = .storageFailure(String(describing: error)) }
    }
}
