import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraWire

/// Building the OCI door's responses; every one says which API it is (`Docker-Distribution-API-Version`).
enum OCIResponse {
    static let apiVersion = HTTPField.Name("Docker-Distribution-API-Version")!
    static let contentDigest = HTTPField.Name("Docker-Content-Digest")!
    static let uploadUUID = HTTPField.Name("Docker-Upload-UUID")!
    static let ociSubject = HTTPField.Name("OCI-Subject")!
    static let filtersApplied = HTTPField.Name("OCI-Filters-Applied")!
    static let link = HTTPField.Name("Link")!

    static func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers: HTTPFields = [apiVersion: "registry/2.0"]
        headers.append(contentsOf: extra)
        return headers
    }

    static func empty(_ status: HTTPResponse.Status, _ extra: HTTPFields = [:]) -> Response {
        var fields = headers(extra)
        if fields[.contentLength] == nil { fields[.contentLength] = "0" }
        return Response(status: status, headers: fields)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, contentType: String = "application/json",
                                   _ extra: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var fields = headers(extra)
        fields[.contentType] = contentType
        fields[.contentLength] = String(data.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: OCIWireError, head: Bool = false) -> Response {
        var fields = headers([.contentType: "application/json"])
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let body = error.body
        fields[.contentLength] = String(body.count)
        return Response(status: HTTPResponse.Status(code: error.status), headers: fields,
                        body: head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
