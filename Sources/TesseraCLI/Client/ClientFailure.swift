import ArgumentParser
import Foundation
import TesseraClient

/// Turns whatever stopped a client command into one line on stderr that says what went wrong and what to do,
/// and exit status 1: no stack traces.
enum ClientFailure {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch is CancellationError {
            FileHandle.standardError.write(Data("tessera: cancelled\n".utf8))
            throw ExitCode(130)
        } catch {
            FileHandle.standardError.write(Data("tessera: \(message(for: error))\n".utf8))
            throw ExitCode.failure
        }
    }

    static func message(for error: any Error) -> String {
        if let service = error as? AWSServiceError {
            var line = "the service answered \(service.status) \(service.code): \(service.message)"
            switch service.code {
            case "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
                 "AuthFailure", "InvalidClientTokenId", "IncompleteSignatureException":
                line += " (check the credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile)"
            case "ResourceNotFoundException":
                line += " (check the vault, snapshot or id named on the command line)"
            default:
                break
            }
            return line
        }
        return String(describing: error)
    }
}
