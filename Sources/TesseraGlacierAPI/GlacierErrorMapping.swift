import TesseraEngine
import TesseraFrontDoor
import TesseraWire

extension GlacierWireError {
    /// The one mapping of engine errors to Glacier's wire errors.
    init(_ error: EngineError, region: String) {
        switch error {
        case .vaultNotFound(let account, let vault):
            self.init(.resourceNotFound, "Vault not found for ARN: \(GlacierService.vaultARN(region: region, accountID: account, vault: vault))")
        case .vaultNotEmpty(let account, let vault):
            self.init(.invalidParameterValue,
                      "Vault not empty or recently written to: \(GlacierService.vaultARN(region: region, accountID: account, vault: vault))")
        case .archiveNotFound(let id):
            self.init(.resourceNotFound, "The archive ID was not found: \(id)")
        case .uploadNotFound(let id):
            self.init(.resourceNotFound, "The upload ID was not found: \(id)")
        case .jobNotFound(let id):
            self.init(.resourceNotFound, "The job ID was not found: \(id)")
        case .jobNotReady(let id):
            self.init(.invalidParameterValue, "The job is not currently available for download: \(id)")
        case .vaultSettingNotFound(let message):
            self.init(.resourceNotFound, message)
        case .invalidParameter(let message):
            self.init(.invalidParameterValue, message)
        case .missingParameter(let message):
            self.init(.missingParameterValue, message)
        case .checksumMismatch(let expected, let computed):
            self.init(.invalidParameterValue, "Checksum mismatch: expected \(expected), computed \(computed)")
        case .payloadHashMismatch(let expected, let computed):
            self.init(.invalidSignature,
                      "The provided 'x-amz-content-sha256' header does not match what was computed. Expected \(expected), computed \(computed)")
        case .incompleteBody(let declared, let received):
            self.init(.invalidParameterValue, "The request body has \(received) bytes but \(declared) were declared")
        case .limitExceeded(let message):
            self.init(.limitExceeded, message)
        case .accessDenied(let message):
            self.init(.accessDenied, message)
        case .storageFailure:
            self.init(.serviceUnavailable, "The service could not complete the request; try again.")
        case .outOfSpace:
            self.init(.serviceUnavailable, OutOfSpaceAnswer.message)
        }
    }
}
