import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCore
import TesseraEngine
import TesseraWire

extension OCIAPI {
    /// `HEAD`/`GET /v2/NAME/manifests/REFERENCE`: the bytes as pushed, in their media type when the client
    /// accepts it.
    func getManifest(_ name: String, _ reference: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .pull)
        guard let served = try await service.manifest(record, reference: reference) else {
            throw OCIWireError(.manifestUnknown, "manifest unknown: \(reference)")
        }
        guard served.image.status != "ARCHIVED" else { throw RegistryError.imageArchived(digest: served.image.digest) }
        let accepted = call.request.headers[values: .accept].flatMap { $0.split(separator: ",") }
            .map { String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
        if !accepted.isEmpty, !accepted.contains("*/*"), !accepted.contains(served.image.mediaType.lowercased()) {
            throw OCIWireError(.manifestUnknown, "manifest \(reference) is \(served.image.mediaType), which the request does not accept")
        }
        let headers = OCIResponse.headers([
            .contentType: served.image.mediaType, .contentLength: String(served.bytes.count),
            OCIResponse.contentDigest: served.image.digest, .eTag: "\"\(served.image.digest)\"",
        ])
        guard call.request.method == .get else { return Response(status: .ok, headers: headers) }
        try await service.recordPull(record, digest: served.image.digest)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: served.bytes)))
    }

    /// `PUT /v2/NAME/manifests/REFERENCE` (201).
    func putManifest(_ name: String, _ reference: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .push)
        let limit = RegistryService.maximumManifestLength
        var request = call.request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw OCIWireError(.sizeInvalid, "a manifest may be at most \(limit) bytes")
        }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw OCIWireError(.manifestInvalid, "manifest invalid: not UTF-8 JSON")
        }
        let image = try await service.putManifest(record, reference: reference, manifest: text, contentType: call.request.headers[.contentType])
        var headers: HTTPFields = [.location: "/v2/\(name)/manifests/\(image.digest)", OCIResponse.contentDigest: image.digest]
        if let subject = image.subject { headers[OCIResponse.ociSubject] = subject }
        return OCIResponse.empty(.created, headers)
    }

    /// `DELETE /v2/NAME/manifests/REFERENCE` (202).
    func deleteManifest(_ name: String, _ reference: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .delete)
        guard try await service.deleteManifest(record, reference: reference) else {
            throw OCIWireError(.manifestUnknown, "manifest unknown: \(reference)")
        }
        return OCIResponse.empty(.accepted)
    }
}
