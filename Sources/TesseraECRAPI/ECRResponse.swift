import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraWire

/// Building JSON 1.1 responses.
enum ECRResponse {
    static let contentType = "application/x-amz-json-1.1"

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An error response; also for requests refused before they reach the door (signature, routing).
    static func error(_ error: ECRWireError) -> Response {
        Response(status: HTTPResponse.Status(code: error.status), headers: [.contentType: contentType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}

extension HTTPField.Name {
    static let amzTarget = Self("X-Amz-Target")!
}
