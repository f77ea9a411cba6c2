import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

/// The URLs GetDownloadUrlForLayer hands out, on this server: `GET /ecr-layers/REPOSITORY-ID/DIGEST?token=T`
/// serves that one layer (with `Range`) until the token expires, without a signature, as real ECR's
/// pre-signed storage URLs do. A token works for no other layer or repository.
public enum LayerDownloadRoute {
    /// The path prefix; the auth middleware lets these requests through unsigned.
    public static let prefix = "/ecr-layers/"

    static func path(repositoryID: String, digest: String, token: String) -> String {
        "\(prefix)\(repositoryID)/\(digest)?token=\(token)"
    }

    /// Registers the route.
    public static func register(on router: Router<TesseraRequestContext>, service: RegistryService) {
        router.get("/ecr-layers/:repository/:digest") { request, context in
            let repositoryID = context.parameters.get("repository") ?? ""
            let digest = context.parameters.get("digest") ?? ""
            let token = request.uri.queryParameters.get("token") ?? ""
            do {
                guard let layer = try await service.downloadableLayer(repositoryID: repositoryID, digest: digest, token: token) else {
                    return failure(.forbidden, "AccessDenied", "The download URL is not valid for this layer, or has expired")
                }
                var range = 0..<layer.size
                if let header = request.headers[.range] {
                    guard let asked = RangeHeader.parse(header, total: layer.size) else {
                        return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(layer.size)"])
                    }
                    range = asked
                }
                let partial = request.headers[.range] != nil
                var headers: HTTPFields = [
                    .contentType: "application/octet-stream", .contentLength: String(range.count), .acceptRanges: "bytes",
                    .eTag: "\"\(digest)\"",
                ]
                if partial { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(layer.size)" }
                return Response(status: partial ? .partialContent : .ok, headers: headers,
                                body: ResponseBody(asyncSequence: try await service.read(layer, range: range).stream))
            } catch {
                context.logger.error("layer download failed", metadata: ["tessera.error": .string(String(describing: error))])
                return failure(.internalServerError, "InternalError", "The layer could not be read; try again")
            }
        }
    }

    /// An S3-style XML error, as a pre-signed storage URL answers.
    static func failure(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
        return Response(status: status, headers: [.contentType: "application/xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
