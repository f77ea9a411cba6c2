import AsyncHTTPClient
import Foundation
import NIOCore
import TesseraCore
import TesseraSigV4
import TesseraWire

/// The Glacier REST API, operation by operation, for the caller's own account (`-`).
public struct GlacierClient: Sendable {
    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    public func listVaults(marker: String? = nil) async throws -> GlacierListVaultsOutput {
        var request = Self.request("GET", "/-/vaults")
        if let marker { request.query.append(("marker", marker)) }
        return try await service.decode(GlacierListVaultsOutput.self, from: service.send(request))
    }

    /// Every vault, following markers.
    public func allVaults() async throws -> [GlacierVaultDescription] {
        var vaults: [GlacierVaultDescription] = []
        var marker: String?
        repeat {
            let page = try await listVaults(marker: marker)
            vaults += page.VaultList
            marker = page.Marker
        } while marker != nil
        return vaults
    }

    public func describeVault(_ vault: String) async throws -> GlacierVaultDescription {
        try await service.decode(GlacierVaultDescription.self, from: service.send(Self.request("GET", Self.vaultPath(vault))))
    }

    public func createVault(_ vault: String) async throws {
        _ = try await service.send(Self.request("PUT", Self.vaultPath(vault)))
    }

    public func deleteVault(_ vault: String) async throws {
        _ = try await service.send(Self.request("DELETE", Self.vaultPath(vault)))
    }

    public func initiateMultipartUpload(vault: String, partSize: Int64, description: String?) async throws -> String {
        var request = Self.request("POST", Self.vaultPath(vault) + "/multipart-uploads")
        request.headers.append(("x-amz-part-size", String(partSize)))
        if let description { request.headers.append(("x-amz-archive-description", description)) }
        let response = try await service.send(request)
        return try required("x-amz-multipart-upload-id", in: response)
    }

    /// Sends one part; returns the tree hash the service computed, which the caller compares with its own.
    public func uploadPart(vault: String, uploadID: String, range: InclusiveByteRange, treeHash: SHA256Value,
                           sha256: SHA256Value, body: [ByteBuffer]) async throws -> String {
        var request = Self.request("PUT", Self.uploadPath(vault, uploadID))
        request.headers += [("Content-Range", "bytes \(range.first)-\(range.last)/*"),
                            ("x-amz-sha256-tree-hash", treeHash.hex),
                            ("Content-Type", "application/octet-stream")]
        request.body = body
        request.payloadSHA256 = sha256
        let response = try await service.send(request)
        return try required("x-amz-sha256-tree-hash", in: response)
    }

    public func listParts(vault: String, uploadID: String, marker: String? = nil) async throws -> GlacierListPartsOutput {
        var request = Self.request("GET", Self.uploadPath(vault, uploadID))
        if let marker { request.query.append(("marker", marker)) }
        return try await service.decode(GlacierListPartsOutput.self, from: service.send(request))
    }

    /// Every part the service holds for the upload, following markers.
    public func allParts(vault: String, uploadID: String) async throws -> (partSize: Int64, parts: [GlacierPartListElement]) {
        var parts: [GlacierPartListElement] = []
        var marker: String?
        var partSize: Int64 = 0
        repeat {
            let page = try await listParts(vault: vault, uploadID: uploadID, marker: marker)
            parts += page.Parts
            partSize = page.PartSizeInBytes
            marker = page.Marker
        } while marker != nil
        return (partSize, parts)
    }

    public func completeMultipartUpload(vault: String, uploadID: String, archiveSize: Int64,
                                        treeHash: SHA256Value) async throws -> String {
        var request = Self.request("POST", Self.uploadPath(vault, uploadID))
        request.headers += [("x-amz-archive-size", String(archiveSize)), ("x-amz-sha256-tree-hash", treeHash.hex)]
        return try required("x-amz-archive-id", in: try await service.send(request))
    }

    public func abortMultipartUpload(vault: String, uploadID: String) async throws {
        _ = try await service.send(Self.request("DELETE", Self.uploadPath(vault, uploadID)))
    }

    /// An archive in one request (small files).
    public func uploadArchive(vault: String, description: String?, treeHash: SHA256Value, sha256: SHA256Value,
                              body: [ByteBuffer]) async throws -> String {
        var request = Self.request("POST", Self.vaultPath(vault) + "/archives")
        request.headers += [("x-amz-sha256-tree-hash", treeHash.hex), ("Content-Type", "application/octet-stream")]
        if let description { request.headers.append(("x-amz-archive-description", description)) }
        request.body = body
        request.payloadSHA256 = sha256
        return try required("x-amz-archive-id", in: try await service.send(request))
    }

    public func deleteArchive(vault: String, archiveID: String) async throws {
        _ = try await service.send(Self.request("DELETE", Self.vaultPath(vault) + "/archives/" + Self.encode(archiveID)))
    }

    public func initiateJob(vault: String, parameters: GlacierJobParametersInput) async throws -> String {
        let body = try JSONEncoder().encode(parameters)
        var request = AWSRequest.json(method: "POST", path: Self.vaultPath(vault) + "/jobs", body: Array(body))
        request.headers.append(Self.versionHeader)
        return try required("x-amz-job-id", in: try await service.send(request))
    }

    public func describeJob(vault: String, jobID: String) async throws -> GlacierJobDescription {
        try await service.decode(GlacierJobDescription.self, from: service.send(Self.request("GET", Self.jobPath(vault, jobID))))
    }

    /// A job's output read in full (an inventory); `limit` bounds what is held.
    public func jobOutput(vault: String, jobID: String, limit: Int = 256 << 20) async throws -> AWSResponse {
        try await service.send(Self.request("GET", Self.jobPath(vault, jobID) + "/output"), responseLimit: limit)
    }

    /// One attempt at `range` of a job's output, streamed to `consume` with the response's headers.
    public func jobOutput<Result: Sendable>(
        vault: String, jobID: String, range: InclusiveByteRange,
        _ consume: (AWSResponse, HTTPClientResponse.Body) async throws -> Result
    ) async throws -> Result {
        var request = Self.request("GET", Self.jobPath(vault, jobID) + "/output")
        request.headers.append(("Range", "bytes=\(range.first)-\(range.last)"))
        return try await service.stream(request, consume)
    }

    // MARK: - Wire helpers

    static let versionHeader = (name: "x-amz-glacier-version", value: "2012-06-01")

    static func request(_ method: String, _ path: String) -> AWSRequest {
        AWSRequest(method: method, path: path, headers: [versionHeader])
    }

    static func encode(_ segment: String) -> String { SigV4Encoding.uriEncode(segment, keepSlash: false) }
    static func vaultPath(_ vault: String) -> String { "/-/vaults/" + encode(vault) }
    static func uploadPath(_ vault: String, _ uploadID: String) -> String {
        vaultPath(vault) + "/multipart-uploads/" + encode(uploadID)
    }
    static func jobPath(_ vault: String, _ jobID: String) -> String { vaultPath(vault) + "/jobs/" + encode(jobID) }


    private func required(_ header: String, in response: AWSResponse) throws -> String {
        guard let value = response.header(header), !value.isEmpty else {
            throw AWSTransportError(.malformedResponse, endpoint: service.endpoint.absoluteString,
                                    detail: "the answer has no \(header) header")
        }
        return value
    }
}
