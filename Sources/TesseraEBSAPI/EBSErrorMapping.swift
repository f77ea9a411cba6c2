import TesseraEngine
import TesseraFrontDoor
import TesseraWire

extension EBSWireError {
    /// The one mapping of snapshot errors to EBS's wire errors.
    init(_ error: SnapshotError) {
        switch error {
        case .validation(let reason, let message):
            self.init(.validation, message, reason: reason.rawValue)
        case .constraint(let message):
            self.init(.validation, message, origin: .validation)
        case .snapshotNotFound(let message):
            self.init(.resourceNotFound, message, reason: "SNAPSHOT_NOT_FOUND")
        case .conflict(let message):
            self.init(.conflict, message)
        case .checksumMismatch(let computed, let expected):
            self.init(.invalidSignature,
                      "The value passed in as x-amz-Checksum does not match the computed checksum. Computed checksum: \(computed) expected checksum: \(expected)",
                      origin: .authentication)
        case .storageFailure:
            self.init(.internalServer, "The service could not complete the request; try again.")
        case .outOfSpace:
            self.init(.internalServer, OutOfSpaceAnswer.message)
        }
    }
}
