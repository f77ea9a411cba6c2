import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

/// The OCI distribution API (`/v2/…`) that docker, podman, skopeo, containerd and oras speak, over the same
/// repositories, images, tags and layers as the ECR door. Authenticated as ECR's registry endpoint is: HTTP
/// Basic `AWS:<password>` with the password of GetAuthorizationToken; public repositories pull anonymously.
public struct OCIAPI: Sendable {
    let service: RegistryService

    public init(service: RegistryService) {
        self.service = service
    }

    /// Registers `/v2` and everything under it, for every method the API uses.
    public func register(on router: Router<TesseraRequestContext>) {
        for method in [HTTPRequest.Method.get, .head, .put, .patch, .post, .delete] {
            for path in ["/v2", "/v2/**"] {
                router.on(RouterPath(path), method: method) { request, context in await respond(to: request, context: context) }
            }
        }
    }

    func respond(to request: Request, context: TesseraRequestContext) async -> Response {
        let head = request.method == .head
        guard let path = OCIPath(request.uri.path) else {
            return OCIResponse.error(OCIWireError(.unsupported, "no endpoint of the OCI distribution API matches \(request.uri.path)", status: 404), head: head)
        }
        context.annotations.operation = path.operation(request.method)
        guard let principal = authenticate(request) else {
            return OCIResponse.error(.authenticationRequired, head: head)
        }
        do {
            return try await route(path, OCICall(request: request, context: context, principal: principal))
        } catch let error as OCIWireError {
            return OCIResponse.error(error, head: head)
        } catch let interrupted as BlobIngest.BodyInterrupted {
            context.logger.info("request body ended early", metadata: ["tessera.error": .string(String(describing: interrupted.cause))])
            return OCIResponse.error(OCIWireError(.blobUploadInvalid, "the request body ended after \(interrupted.received) bytes"), head: head)
        } catch let error as RegistryError {
            if case .storageFailure(let detail) = error {
                context.logger.error("storage failure", metadata: ["tessera.error": .string(detail)])
            }
            if case .outOfSpace(let detail) = error {
                context.logger.warning("write refused: low on disk space", metadata: ["tessera.error": .string(detail)])
            }
            return OCIResponse.error(OCIWireError(error, anonymous: principal == .anonymous), head: head)
        } catch {
            context.logger.error("unexpected failure", metadata: ["tessera.error": .string(String(describing: error))])
            return OCIResponse.error(OCIWireError(.unknown, "the registry could not complete the request; try again"), head: head)
        }
    }

    func route(_ path: OCIPath, _ call: OCICall) async throws -> Response {
        switch (call.request.method, path) {
        case (.get, .base), (.head, .base):
            guard call.principal != .anonymous else { throw OCIWireError.authenticationRequired }
            return try OCIResponse.json([String: String]())
        case (.get, .catalog):
            return try await catalog(call)
        case (.get, .tags(let name)):
            return try await tags(name, call)
        case (.get, .manifest(let name, let reference)), (.head, .manifest(let name, let reference)):
            return try await getManifest(name, reference, call)
        case (.put, .manifest(let name, let reference)):
            return try await putManifest(name, reference, call)
        case (.delete, .manifest(let name, let reference)):
            return try await deleteManifest(name, reference, call)
        case (.get, .blob(let name, let digest)), (.head, .blob(let name, let digest)):
            return try await getBlob(name, digest, call)
        case (.delete, .blob(let name, let digest)):
            return try await deleteBlob(name, digest, call)
        case (.post, .uploads(let name)):
            return try await startUpload(name, call)
        case (.get, .upload(let name, let id)):
            return try await uploadStatus(name, id, call)
        case (.patch, .upload(let name, let id)):
            return try await patchUpload(name, id, call)
        case (.put, .upload(let name, let id)):
            return try await finishUpload(name, id, call)
        case (.delete, .upload(let name, let id)):
            return try await cancelUpload(name, id, call)
        case (.get, .referrers(let name, let digest)):
            return try await referrers(name, digest, call)
        default:
            throw OCIWireError(.unsupported, "\(call.request.method.rawValue) is not allowed on \(call.request.uri.path)")
        }
    }

    /// The caller: an account for a genuine `Basic AWS:<password>`, anonymous without credentials, nil for
    /// credentials that do not check out.
    func authenticate(_ request: Request) -> RegistryPrincipal? {
        guard let header = request.headers[.authorization] else { return .anonymous }
        guard header.lowercased().hasPrefix("basic "), let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
            return nil
        }
        // skopeo and podman answer a challenge they have no credentials for with an empty user and password.
        if text == ":" { return .anonymous }
        guard text[..<colon] == "AWS" else { return nil }
        return service.principal(forPassword: String(text[text.index(after: colon)...]))
    }

    /// The OCI error for refusals before a request reaches the door.
    public static func error(status: Int, code: String, message: String) -> Response {
        OCIResponse.error(OCIWireError(OCIWireError.Code(rawValue: code) ?? .unsupported, message, status: status))
    }
}

/// One request on its way through the OCI door.
struct OCICall {
    let request: Request
    let context: TesseraRequestContext
    let principal: RegistryPrincipal
}
