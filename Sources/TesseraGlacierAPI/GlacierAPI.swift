import Foundation
import Hummingbird
import Logging
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

/// Glacier's front door: routes every operation of botocore's `glacier` model to ``GlacierService``,
/// resolving `/{accountId}` and rendering errors as `{"code","message","type"}`.
public struct GlacierAPI: Sendable {
    let service: GlacierService

    public init(service: GlacierService) {
        self.service = service
    }

    /// What a handler gets: the caller's account (after `-` is resolved) and region.
    struct Call {
        let accountID: String
        let region: String
        let vault: String
    }

    /// Runs an operation: checks the API version header and the account in the path, and turns any
    /// error into Glacier's error response.
    func handle(_ request: Request, _ context: TesseraRequestContext,
                _ body: (Call) async throws -> Response) async -> Response {
        let region = context.caller?.region ?? "us-east-1"
        do {
            guard let caller = context.caller else {
                throw GlacierWireError(.missingAuthenticationToken, "Missing Authentication Token")
            }
            guard request.headers[.amzGlacierVersion] == "2012-06-01" else {
                throw GlacierWireError(.missingParameterValue, "Required parameter missing: API version")
            }
            let account = context.parameters.get("account") ?? "-"
            guard account == "-" || account == caller.accountID else {
                throw GlacierWireError(.accessDenied, "Access denied: account \(account) is not the caller's account")
            }
            let call = Call(accountID: caller.accountID, region: caller.region, vault: context.parameters.get("vault") ?? "")
            return try await body(call)
        } catch let error as GlacierWireError {
            return GlacierResponse.error(error)
        } catch let error as EngineError {
            if case .storageFailure(let detail) = error {
                context.logger.error("storage failure", metadata: ["tessera.error": .string(detail)])
            }
            if case .outOfSpace(let detail) = error {
                context.logger.warning("write refused: low on disk space", metadata: ["tessera.error": .string(detail)])
                return OutOfSpaceAnswer.withRetryAfter(GlacierResponse.error(GlacierWireError(error, region: region)))
            }
            return GlacierResponse.error(GlacierWireError(error, region: region))
        } catch {
            context.logger.error("unexpected failure", metadata: ["tessera.error": .string(String(describing: error))])
            return GlacierResponse.error(GlacierWireError(.serviceUnavailable, "The service could not complete the request; try again."))
        }
    }

    /// Decodes a small JSON request body held to the signed payload hash.
    func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: TesseraRequestContext) async throws -> T? {
        switch try await request.collectVerifiedBody(context: context) {
        case .tooLarge:
            throw GlacierWireError(.invalidParameterValue, "The request body is too large")
        case .incomplete:
            throw GlacierWireError(.invalidParameterValue, "The request body ended before its Content-Length")
        case .hashMismatch(let expected, let computed):
            throw EngineError.payloadHashMismatch(expected: expected.hex, computed: computed.hex)
        case .bytes(let buffer):
            guard buffer.readableBytes > 0 else { return nil }
            do {
                return try JSONDecoder().decode(T.self, from: buffer)
            } catch {
                throw GlacierWireError(.serialization, "The request body is not valid JSON for this operation")
            }
        }
    }

    /// Registers every Glacier route.
    public func register(on router: Router<TesseraRequestContext>) {
        registerVaultRoutes(on: router)
        registerVaultSettingRoutes(on: router)
        registerArchiveRoutes(on: router)
        registerMultipartRoutes(on: router)
        registerJobRoutes(on: router)
        registerAccountRoutes(on: router)
    }
}
