import AsyncHTTPClient
import Foundation
import NIOCore
import TesseraCore
import TesseraSigV4
import TesseraWire

/// The EBS direct APIs (REST-JSON), operation by operation.
public struct EBSClient: Sendable {
    public static let blockSize = 512 << 10

    public let service: AWSServiceClient

    public init(service: AWSServiceClient) {
        self.service = service
    }

    public func startSnapshot(volumeSize: Int64, parentSnapshotID: String?, description: String?,
                              clientToken: String?, timeoutMinutes: Int64?) async throws -> EBSStartSnapshotOutput {
        var input = EBSStartSnapshotInput()
        input.VolumeSize = volumeSize
        input.ParentSnapshotId = parentSnapshotID
        input.Description = description
        input.ClientToken = clientToken
        input.Timeout = timeoutMinutes
        let body = try JSONEncoder().encode(input)
        return try service.decode(EBSStartSnapshotOutput.self,
                          from: await service.send(.json(method: "POST", path: "/snapshots", body: Array(body))))
    }

    /// Writes one block of exactly ``blockSize`` bytes whose SHA-256 is `sha256`; returns the checksum the
    /// service computed (base64), which the caller compares with its own.
    public func putSnapshotBlock(snapshotID: String, index: Int64, body: [ByteBuffer], sha256: SHA256Value,
                                 progress: Int?) async throws -> String {
        var request = AWSRequest(method: "PUT", path: Self.blockPath(snapshotID, index), body: body, payloadSHA256: sha256)
        request.headers += [("x-amz-Data-Length", String(Self.blockSize)),
                            ("x-amz-Checksum", EBSLinearChecksum.base64(sha256)),
                            ("x-amz-Checksum-Algorithm", "SHA256"),
                            ("Content-Type", "application/octet-stream")]
        if let progress { request.headers.append(("x-amz-Progress", String(progress))) }
        let response = try await service.send(request)
        return response.header("x-amz-Checksum") ?? EBSLinearChecksum.base64(sha256)
    }

    public func completeSnapshot(snapshotID: String, changedBlocksCount: Int, linearChecksum: String?) async throws -> String {
        var request = AWSRequest(method: "POST", path: "/snapshots/completion/" + Self.encode(snapshotID))
        request.headers.append(("x-amz-ChangedBlocksCount", String(changedBlocksCount)))
        if let linearChecksum {
            request.headers += [("x-amz-Checksum", linearChecksum), ("x-amz-Checksum-Algorithm", "SHA256"),
                                ("x-amz-Checksum-Aggregation-Method", "LINEAR")]
        }
        return try service.decode(EBSCompleteSnapshotOutput.self, from: await service.send(request)).Status
    }

    public func listSnapshotBlocks(snapshotID: String, nextToken: String?) async throws -> EBSListSnapshotBlocksOutput {
        var request = AWSRequest(method: "GET", path: "/snapshots/" + Self.encode(snapshotID) + "/blocks")
        request.query.append(("maxResults", "10000"))
        if let nextToken { request.query.append(("pageToken", nextToken)) }
        return try service.decode(EBSListSnapshotBlocksOutput.self, from: await service.send(request))
    }

    /// Every block of a completed snapshot, following page tokens, with its volume size in GiB.
    public func allSnapshotBlocks(snapshotID: String) async throws -> (volumeSize: Int64, blocks: [EBSBlock]) {
        var blocks: [EBSBlock] = []
        var token: String?
        var volumeSize: Int64 = 0
        repeat {
            let page = try await listSnapshotBlocks(snapshotID: snapshotID, nextToken: token)
            blocks += page.Blocks
            volumeSize = page.VolumeSize
            token = page.NextToken
        } while token != nil
        return (volumeSize, blocks)
    }

    public func listChangedBlocks(first: String?, second: String, nextToken: String?) async throws -> EBSListChangedBlocksOutput {
        var request = AWSRequest(method: "GET", path: "/snapshots/" + Self.encode(second) + "/changedblocks")
        if let first { request.query.append(("firstSnapshotId", first)) }
        request.query.append(("maxResults", "10000"))
        if let nextToken { request.query.append(("pageToken", nextToken)) }
        return try service.decode(EBSListChangedBlocksOutput.self, from: await service.send(request))
    }

    /// One attempt at a block, streamed to `consume` with the response's headers (`x-amz-Checksum`).
    public func getSnapshotBlock<Result: Sendable>(
        snapshotID: String, index: Int64, token: String,
        _ consume: (AWSResponse, HTTPClientResponse.Body) async throws -> Result
    ) async throws -> Result {
        var request = AWSRequest(method: "GET", path: Self.blockPath(snapshotID, index))
        request.query.append(("blockToken", token))
        return try await service.stream(request, consume)
    }

    static func encode(_ segment: String) -> String { SigV4Encoding.uriEncode(segment, keepSlash: false) }
    static func blockPath(_ snapshotID: String, _ index: Int64) -> String {
        "/snapshots/" + encode(snapshotID) + "/blocks/" + String(index)
    }

}
