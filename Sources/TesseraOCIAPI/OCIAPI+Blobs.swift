import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraWire

extension OCIAPI {
    /// `HEAD`/`GET /v2/NAME/blobs/DIGEST`, with `Range` (206).
    func getBlob(_ name: String, _ digestText: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .pull)
        guard let digest = ContentDigest(digestText) else { throw OCIWireError(.digestInvalid, "invalid digest: \(digestText)") }
        guard let layer = try await service.blob(record, digest: digest) else {
            throw OCIWireError(.blobUnknown, "blob unknown to registry: \(digestText)")
        }
        var range = 0..<layer.size
        var partial = false
        if let header = call.request.headers[.range] {
            guard let asked = RangeHeader.parse(header, total: layer.size) else {
                return OCIResponse.empty(.rangeNotSatisfiable, [.contentRange: "bytes */\(layer.size)"])
            }
            range = asked
            partial = true
        }
        var headers = OCIResponse.headers([
            .contentType: "application/octet-stream", .contentLength: String(range.count), .acceptRanges: "bytes",
            OCIResponse.contentDigest: digest.string, .eTag: "\"\(digest.string)\"",
        ])
        if partial { headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(layer.size)" }
        let status: HTTPResponse.Status = partial ? .partialContent : .ok
        guard call.request.method == .get else { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: ResponseBody(asyncSequence: try await service.read(layer, range: range).stream))
    }

    /// `DELETE /v2/NAME/blobs/DIGEST`: unlinks the blob from the repository (202).
    func deleteBlob(_ name: String, _ digestText: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .delete)
        guard let digest = ContentDigest(digestText) else { throw OCIWireError(.digestInvalid, "invalid digest: \(digestText)") }
        guard try await service.deleteBlob(record, digest: digest) else { throw OCIWireError(.blobUnknown, "blob unknown to registry: \(digestText)") }
        return OCIResponse.empty(.accepted)
    }

    /// `POST /v2/NAME/blobs/uploads/`: a mount (`?mount=&from=`), a monolithic upload (`?digest=` with the body),
    /// or a new session (202 with its `Location`).
    func startUpload(_ name: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        let query = call.request.uri.queryParameters
        if let mount = query.get("mount"), let digest = ContentDigest(mount), let from = query.get("from"),
           let source = try? await service.ociRepository(call.principal, name: from, access: .pull),
           try await service.mountBlob(record, digest: digest, from: source) {
            return OCIResponse.empty(.created, [.location: "/v2/\(name)/blobs/\(digest.string)", OCIResponse.contentDigest: digest.string])
        }
        let uploadID = try await service.startBlobUpload(record)
        if let digestText = query.get("digest") {
            guard let digest = ContentDigest(digestText) else { throw OCIWireError(.digestInvalid, "invalid digest: \(digestText)") }
            _ = try await service.appendBlobChunk(record, uploadID: uploadID, firstByte: 0, declaredLength: Self.contentLength(call.request),
                                                  body: call.request.body)
            try await service.finishBlobUpload(record, uploadID: uploadID, digest: digest)
            return OCIResponse.empty(.created, [.location: "/v2/\(name)/blobs/\(digest.string)", OCIResponse.contentDigest: digest.string])
        }
        return OCIResponse.empty(.accepted, Self.sessionHeaders(name, uploadID, received: 0))
    }

    /// `GET` on a session: 204 with how much it holds.
    func uploadStatus(_ name: String, _ uploadID: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        let received = try await service.blobUploadStatus(record, uploadID: uploadID)
        return OCIResponse.empty(.noContent, Self.sessionHeaders(name, uploadID, received: received))
    }

    /// `PATCH` on a session: a chunk, at `Content-Range` when given (in order, else 416), else at the end.
    func patchUpload(_ name: String, _ uploadID: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        var first: Int64?
        var length = Self.contentLength(call.request)
        if let header = call.request.headers[.contentRange] {
            guard let range = Self.chunkRange(header) else { throw OCIWireError(.blobUploadInvalid, "invalid Content-Range: \(header)", status: 416) }
            first = range.first
            if let declared = length, declared != range.count {
                throw OCIWireError(.blobUploadInvalid, "Content-Range \(header) does not match Content-Length \(declared)", status: 416)
            }
            length = range.count
        }
        let received = try await service.appendBlobChunk(record, uploadID: uploadID, firstByte: first, declaredLength: length,
                                                         body: call.request.body)
        return OCIResponse.empty(.accepted, Self.sessionHeaders(name, uploadID, received: received))
    }

    /// `PUT` on a session with `?digest=`: the last chunk (if any), then the digest checked and the blob linked.
    func finishUpload(_ name: String, _ uploadID: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        guard let digestText = call.request.uri.queryParameters.get("digest") else {
            throw OCIWireError(.digestInvalid, "the digest query parameter is required to finish an upload")
        }
        guard let digest = ContentDigest(digestText) else { throw OCIWireError(.digestInvalid, "invalid or unsupported digest: \(digestText)") }
        if Self.contentLength(call.request) != 0 {
            // The last chunk, held to the same rules as a PATCH's.
            var first: Int64?
            var length = Self.contentLength(call.request)
            if let header = call.request.headers[.contentRange] {
                guard let range = Self.chunkRange(header) else { throw OCIWireError(.blobUploadInvalid, "invalid Content-Range: \(header)", status: 416) }
                if let declared = length, declared != range.count {
                    throw OCIWireError(.blobUploadInvalid, "Content-Range \(header) does not match Content-Length \(declared)", status: 416)
                }
                (first, length) = (range.first, range.count)
            }
            _ = try await service.appendBlobChunk(record, uploadID: uploadID, firstByte: first, declaredLength: length,
                                                  body: call.request.body)
        }
        try await service.finishBlobUpload(record, uploadID: uploadID, digest: digest)
        return OCIResponse.empty(.created, [.location: "/v2/\(name)/blobs/\(digest.string)", OCIResponse.contentDigest: digest.string])
    }

    /// `DELETE` on a session: cancels it (204).
    func cancelUpload(_ name: String, _ uploadID: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        try await service.cancelBlobUpload(record, uploadID: uploadID)
        return OCIResponse.empty(.noContent)
    }

    static func sessionHeaders(_ name: String, _ uploadID: String, received: Int64) -> HTTPFields {
        [.location: "/v2/\(name)/blobs/uploads/\(uploadID)", OCIResponse.uploadUUID: uploadID, .range: "0-\(max(received - 1, 0))"]
    }

    static func contentLength(_ request: Request) -> Int64? {
        request.headers[.contentLength].flatMap { Int64($0) }
    }

    /// A chunk's `Content-Range`: `FIRST-LAST` as the spec writes it, or `bytes FIRST-LAST[/TOTAL]` as some clients do.
    static func chunkRange(_ header: String) -> InclusiveByteRange? {
        var text = Substring(header)
        if text.hasPrefix("bytes ") { text = text.dropFirst(6) }
        if text.hasPrefix("bytes=") { text = text.dropFirst(6) }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return InclusiveByteRange(dashed: text)
    }
}
