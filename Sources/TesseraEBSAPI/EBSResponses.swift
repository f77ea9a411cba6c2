import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraWire

extension HTTPField.Name {
    static let amznErrorType = Self("x-amzn-ErrorType")!
    static let amzDataLength = Self("x-amz-Data-Length")!
    static let amzChecksum = Self("x-amz-Checksum")!
    static let amzChecksumAlgorithm = Self("x-amz-Checksum-Algorithm")!
    static let amzChecksumAggregationMethod = Self("x-amz-Checksum-Aggregation-Method")!
    static let amzChangedBlocksCount = Self("x-amz-ChangedBlocksCount")!
    static let amzProgress = Self("x-amz-Progress")!
}

/// Building EBS responses.
public enum EBSResponse {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var all = headers
        all[.contentType] = "application/json"
        return Response(status: status, headers: all, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// An error in EBS's format.
    public static func error(_ error: EBSWireError) -> Response {
        Response(status: HTTPResponse.Status(code: error.status),
                 headers: [.contentType: "application/json", .amznErrorType: error.errorType],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
