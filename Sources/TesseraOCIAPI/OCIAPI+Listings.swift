import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraStorage
import TesseraWire

extension OCIAPI {
    /// `GET /v2/_catalog?n=&last=`: the caller's repositories (on the public registry port, its public ones), with
    /// a `Link` to the next page.
    func catalog(_ call: OCICall) async throws -> Response {
        guard call.principal != .anonymous else { throw OCIWireError.authenticationRequired }
        let (n, last) = try Self.page(call)
        let names = try await service.catalog(call.principal, last: last, limit: n + 1,
                                              registries: endpoint == .privateRegistry ? RegistryKind.allCases : [.public])
        let page = Array(names.prefix(n))
        var headers: HTTPFields = [:]
        if names.count > n, let end = page.last { headers[OCIResponse.link] = "</v2/_catalog?last=\(end)&n=\(n)>; rel=\"next\"" }
        return try OCIResponse.json(Catalog(repositories: page), headers)
    }

    /// `GET /v2/NAME/tags/list?n=&last=`.
    func tags(_ name: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .pull)
        let (n, last) = try Self.page(call)
        let tags = try await service.tags(record, last: last, limit: n + 1)
        let page = Array(tags.prefix(n))
        var headers: HTTPFields = [:]
        if tags.count > n, let end = page.last { headers[OCIResponse.link] = "</v2/\(name)/tags/list?last=\(end)&n=\(n)>; rel=\"next\"" }
        return try OCIResponse.json(TagList(name: name, tags: page), headers)
    }

    /// `GET /v2/NAME/referrers/DIGEST[?artifactType=]`: an image index of the manifests whose subject is DIGEST.
    func referrers(_ name: String, _ digestText: String, _ call: OCICall) async throws -> Response {
        let record = try await service.ociRepository(call.principal, name: name, access: .pull)
        guard let digest = ContentDigest(digestText) else { throw OCIWireError(.digestInvalid, "invalid digest: \(digestText)") }
        let artifactType = call.request.uri.queryParameters.get("artifactType")
        let found = try await service.referrers(record, subject: digest, artifactType: artifactType)
        let index = ReferrersIndex(manifests: found.map {
            ReferrerDescriptor(mediaType: $0.mediaType, digest: $0.digest, size: $0.size, artifactType: $0.artifactType,
                               annotations: $0.annotations.isEmpty ? nil : $0.annotations)
        })
        var headers: HTTPFields = [:]
        if artifactType != nil { headers[OCIResponse.filtersApplied] = "artifactType" }
        return try OCIResponse.json(index, contentType: "application/vnd.oci.image.index.v1+json", headers)
    }

    /// `n` (at most 1000, default 100) and `last` of a paginated listing.
    static func page(_ call: OCICall) throws -> (Int, String?) {
        let query = call.request.uri.queryParameters
        var n = 100
        if let text = query.get("n") {
            guard let value = Int(text), value >= 0 else { throw OCIWireError(.unsupported, "n must be a non-negative integer", status: 400) }
            n = min(value, 1000)
        }
        return (n, query.get("last"))
    }
}

struct Catalog: Encodable {
    var repositories: [String]
}

struct TagList: Encodable {
    var name: String
    var tags: [String]
}

struct ReferrerDescriptor: Encodable {
    var mediaType: String
    var digest: String
    var size: Int64
    var artifactType: String?
    var annotations: [String: String]?
}

struct ReferrersIndex: Encodable {
    var schemaVersion = 2
    var mediaType = "application/vnd.oci.image.index.v1+json"
    var manifests: [ReferrerDescriptor]
}
