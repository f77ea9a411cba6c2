import Foundation
import Hummingbird
import Logging
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

/// The front door of Amazon ECR (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`) and ECR
/// Public (`SpencerFrontendService.<Operation>`), JSON 1.1 on `POST /`: decodes each operation of the two
/// models, calls ``RegistryService``, and renders its refusals as `{"__type","message"}`.
public struct ECRAPI: Sendable {
    public static let privateTargetPrefix = "AmazonEC2ContainerRegistry_V20150921."
    public static let publicTargetPrefix = "SpencerFrontendService."

    let service: RegistryService

    public init(service: RegistryService) {
        self.service = service
    }

    /// Which registry and operation an `X-Amz-Target` names, or nil for another service's.
    public static func target(_ value: String) -> (RegistryKind, String)? {
        if value.hasPrefix(privateTargetPrefix) { return (.private, String(value.dropFirst(privateTargetPrefix.count))) }
        if value.hasPrefix(publicTargetPrefix) { return (.public, String(value.dropFirst(publicTargetPrefix.count))) }
        return nil
    }

    /// Whether a request is an UploadLayerPart, whose body the door reads as it streams and checks against the
    /// signature itself.
    public static func streamsBody(target value: String) -> Bool {
        target(value)?.1 == "UploadLayerPart"
    }

    /// Answers one JSON 1.1 request.
    public func respond(to request: Request, context: TesseraRequestContext) async -> Response {
        let targetValue = request.headers[.amzTarget] ?? ""
        do {
            guard let caller = context.caller else { throw ECRWireError("MissingAuthenticationTokenException", "Missing Authentication Token") }
            guard let (registry, operation) = Self.target(targetValue) else { throw Self.unknownOperation(targetValue) }
            let call = ECRCall(request: request, context: context, caller: RegistryCaller(accountID: caller.accountID, region: caller.region),
                               registry: registry)
            if let response = try await repositoryOperation(operation, call) { return response }
            if let response = try await layerOperation(operation, call) { return response }
            if let response = try await imageOperation(operation, call) { return response }
            if let response = try await settingsOperation(operation, call) { return response }
            if let response = try await registryOperation(operation, call) { return response }
            throw Self.unknownOperation(targetValue)
        } catch let error as ECRWireError {
            return ECRResponse.error(error)
        } catch let error as RegistryError {
            if case .storageFailure(let detail) = error {
                context.logger.error("storage failure", metadata: ["tessera.error": .string(detail)])
            }
            if case .outOfSpace(let detail) = error {
                context.logger.warning("write refused: low on disk space", metadata: ["tessera.error": .string(detail)])
                return OutOfSpaceAnswer.withRetryAfter(ECRResponse.error(ECRWireError(error)))
            }
            return ECRResponse.error(ECRWireError(error))
        } catch let error as StreamingJSONError {
            return ECRResponse.error(.serialization(error.message))
        } catch let refused as BlobIngest.BodyRefused {
            return ECRResponse.error(.serialization((refused.cause as? StreamingJSONError)?.message ?? "The request body is not valid JSON"))
        } catch let interrupted as BlobIngest.BodyInterrupted {
            context.logger.info("request body ended early", metadata: ["tessera.error": .string(String(describing: interrupted.cause))])
            return ECRResponse.error(.serialization("The request body ended after \(interrupted.received) bytes, before the request did"))
        } catch {
            context.logger.error("unexpected failure", metadata: ["tessera.error": .string(String(describing: error))])
            return ECRResponse.error(.server())
        }
    }

    static func unknownOperation(_ target: String) -> ECRWireError {
        ECRWireError("UnknownOperationException", "The operation \(target) is not known to this server")
    }

    /// The JSON 1.1 error for requests refused before they reach the door (signature, unknown target).
    public static func error(code: String, message: String) -> Response {
        ECRResponse.error(ECRWireError(code, message))
    }
}
