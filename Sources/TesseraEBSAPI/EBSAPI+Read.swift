import Foundation
import HTTPTypes
import Hummingbird
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

extension EBSAPI {
    func registerReadRoutes(on router: Router<TesseraRequestContext>) {
        router.get("/snapshots/:snapshot/blocks") { request, context in
            await handle(context) { caller in
                let query = request.uri.queryParameters
                let page = try await service.listSnapshotBlocks(
                    accountID: caller.accountID, region: caller.region, snapshotID: context.parameters.get("snapshot") ?? "",
                    maxResults: query.get("maxResults"), startingBlockIndex: query.get("startingBlockIndex"),
                    pageToken: query.get("pageToken"))
                return try EBSResponse.json(EBSListSnapshotBlocksOutput(
                    BlockSize: SnapshotService.blockSize, Blocks: page.blocks.map { EBSBlock(BlockIndex: $0.index, BlockToken: $0.token) },
                    ExpiryTime: page.expiry.timeIntervalSince1970, NextToken: page.nextToken, VolumeSize: page.snapshot.volumeSize))
            }
        }
        router.get("/snapshots/:snapshot/blocks/:index") { request, context in
            await handle(context) { caller in
                let block = try await service.getSnapshotBlock(
                    accountID: caller.accountID, region: caller.region, snapshotID: context.parameters.get("snapshot") ?? "",
                    blockIndex: context.parameters.get("index") ?? "", blockToken: request.uri.queryParameters.get("blockToken"))
                let length = String(SnapshotService.blockSize)
                return Response(status: .ok, headers: [
                    .contentType: "application/octet-stream", .contentLength: length, .amzDataLength: length,
                    .amzChecksum: block.checksum, .amzChecksumAlgorithm: "SHA256",
                ], body: ResponseBody(asyncSequence: block.body.stream))
            }
        }
        router.get("/snapshots/:snapshot/changedblocks") { request, context in
            await handle(context) { caller in
                let query = request.uri.queryParameters
                let page = try await service.listChangedBlocks(
                    accountID: caller.accountID, region: caller.region, firstSnapshotID: query.get("firstSnapshotId"),
                    secondSnapshotID: context.parameters.get("snapshot") ?? "", maxResults: query.get("maxResults"),
                    startingBlockIndex: query.get("startingBlockIndex"), pageToken: query.get("pageToken"))
                return try EBSResponse.json(EBSListChangedBlocksOutput(
                    BlockSize: SnapshotService.blockSize,
                    ChangedBlocks: page.blocks.map { EBSChangedBlock(BlockIndex: $0.index, FirstBlockToken: $0.firstToken, SecondBlockToken: $0.secondToken) },
                    ExpiryTime: page.expiry.timeIntervalSince1970, NextToken: page.nextToken, VolumeSize: page.second.volumeSize))
            }
        }
    }
}
