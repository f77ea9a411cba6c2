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
/// On the public registry port (``OCIEndpoint/publicRegistry(scheme:)``) as ECR Public's is: a Bearer token
/// from ``OCITokenEndpoint``, and public repositories only.
public struct OCIAPI: Sendable {
    let service: RegistryService
    let endpoint: OCIEndpoint

    public init(service: RegistryService, endpoint: OCIEndpoint = .privateRegistry) {
        self.service = service
        self.endpoint = endpoint
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
        var response = await answer(request, context: context)
        if response.status == .unauthorized {
            response.headers[.wwwAuthenticate] = endpoint.challenge(host: request.head.authority)
        }
        return response
    }

    func answer(_ request: Request, context: TesseraRequestContext) async -> Response {
        let head = request.method == .head
        guard let path = OCIPath(request.uri.path) else {
            return OCIResponse.error(OCIWireError(.unsupported, "no endpoint of the OCI distribution API matches \(request.uri.path)", status: 404), head: head)
        }
        context.annotations.operation = path.operation(request.method)
        guard let principal = authenticate(request) else {
            return OCIResponse.error(.authenticationRequired, head: head)
        }
        if endpoint != .privateRegistry, let name = path.name, !RegistryService.isPublicRepositoryName(name) {
            return OCIResponse.error(OCIWireError(.nameUnknown, "this port serves public repositories only, named r<account>/NAME; \(name) is not one"),
                                     head: head)
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
            // The public registry's anonymous token is enough; only a request without any credentials is challenged.
            let signedIn = endpoint == .privateRegistry ? call.principal != .anonymous : call.request.headers[.authorization] != nil
            guard signedIn else { throw OCIWireError.authenticationRequired }
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

    /// The caller: an account for a genuine `Basic AWS:<password>` or (on the public registry port) a Bearer token
    /// from ``OCITokenEndpoint``, anonymous without credentials (or with the anonymous token), nil for credentials
    /// that do not check out.
    func authenticate(_ request: Request) -> RegistryPrincipal? {
        guard let header = request.headers[.authorization] else { return .anonymous }
        if endpoint != .privateRegistry, header.lowercased().hasPrefix("bearer ") {
            let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return token == OCITokenEndpoint.anonymousToken ? .anonymous : service.principal(forPassword: token)
        }
        // skopeo and podman answer a challenge they have no credentials for with an empty user and password.
        if Self.basicCredentials(header) == ":" { return .anonymous }
        return Self.basicPassword(header).flatMap { service.principal(forPassword: $0) }
    }

    /// The decoded `USER:PASSWORD` of a Basic `Authorization` header.
    static func basicCredentials(_ header: String) -> String? {
        guard header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return nil }
        return String(data: decoded, encoding: .utf8)
    }

    /// The password of a Basic `Authorization` header whose user is `AWS`, as ECR's registry expects.
    static func basicPassword(_ header: String) -> String? {
        guard let text = basicCredentials(header), let colon = text.firstIndex(of: ":"), text[..<colon] == "AWS" else { return nil }
        return String(text[text.index(after: colon)...])
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
