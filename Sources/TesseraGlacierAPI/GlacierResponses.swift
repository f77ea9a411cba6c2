import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraWire

extension HTTPField.Name {
    static let amzArchiveID = Self("x-amz-archive-id")!
    static let amzArchiveSize = Self("x-amz-archive-size")!
    static let amzArchiveDescription = Self("x-amz-archive-description")!
    static let amzTreeHash = Self("x-amz-sha256-tree-hash")!
    static let amzContentSHA256 = Self("x-amz-content-sha256")!
    static let amzPartSize = Self("x-amz-part-size")!
    static let amzUploadID = Self("x-amz-multipart-upload-id")!
    static let amzJobID = Self("x-amz-job-id")!
    static let amzLockID = Self("x-amz-lock-id")!
    static let amzCapacityID = Self("x-amz-capacity-id")!
    static let amzGlacierVersion = Self("x-amz-glacier-version")!
}

/// Building Glacier responses.
public enum GlacierResponse {
    static func empty(_ status: HTTPResponse.Status, _ headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static func error(_ error: GlacierWireError) -> Response {
        Response(status: HTTPResponse.Status(code: error.status),
                 headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
