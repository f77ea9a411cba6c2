import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

extension GlacierAPI {
    func registerJobRoutes(on router: Router<TesseraRequestContext>) {
        router.post("/:account/vaults/:vault/jobs") { request, context in
            await handle(request, context) { call in
                let input = try await decodeBody(GlacierJobParametersInput.self, request, context)
                let job = try await service.initiateJob(accountID: call.accountID, vault: call.vault, region: call.region,
                                                        parameters: input.map(Self.parameters))
                return GlacierResponse.empty(.accepted, [
                    .location: "/\(call.accountID)/vaults/\(call.vault)/jobs/\(job.id)",
                    .amzJobID: job.id,
                ])
            }
        }
        router.get("/:account/vaults/:vault/jobs/:job") { request, context in
            await handle(request, context) { call in
                let status = try await service.describeJob(accountID: call.accountID, vault: call.vault,
                                                           jobID: context.parameters.get("job") ?? "")
                return try GlacierResponse.json(Self.describe(status, region: call.region))
            }
        }
        router.get("/:account/vaults/:vault/jobs") { request, context in
            await handle(request, context) { call in
                let query = request.uri.queryParameters
                let page = try await service.listJobs(
                    accountID: call.accountID, vault: call.vault, marker: query.get("marker"), limit: query.get("limit"),
                    statusCode: query.get("statuscode"), completed: query.get("completed"))
                return try GlacierResponse.json(GlacierListJobsOutput(
                    JobList: page.jobs.map { Self.describe($0, region: call.region) }, Marker: page.nextMarker))
            }
        }
        router.get("/:account/vaults/:vault/jobs/:job/output") { request, context in
            await handle(request, context) { call in
                let output = try await service.getJobOutput(accountID: call.accountID, vault: call.vault,
                                                            jobID: context.parameters.get("job") ?? "",
                                                            range: request.headers[.range])
                var headers: HTTPFields = [
                    .contentType: output.contentType,
                    .contentLength: String(output.range.count),
                    .acceptRanges: "bytes",
                ]
                if output.isPartial {
                    headers[.contentRange] = "bytes \(output.range.lowerBound)-\(output.range.upperBound - 1)/\(output.totalLength)"
                }
                if let treeHash = output.treeHash { headers[.amzTreeHash] = treeHash.hex }
                if let description = output.archiveDescription, !description.isEmpty {
                    headers[.amzArchiveDescription] = description
                }
                return Response(status: output.isPartial ? .partialContent : .ok, headers: headers,
                                body: ResponseBody(asyncSequence: output.body.stream))
            }
        }
    }

    static func parameters(_ input: GlacierJobParametersInput) -> GlacierJobParameters {
        GlacierJobParameters(
            type: input.Type, archiveID: input.ArchiveId, description: input.Description, snsTopic: input.SNSTopic,
            tier: input.Tier, format: input.Format, retrievalByteRange: input.RetrievalByteRange,
            inventoryStartDate: input.InventoryRetrievalParameters?.StartDate,
            inventoryEndDate: input.InventoryRetrievalParameters?.EndDate,
            inventoryLimit: input.InventoryRetrievalParameters?.Limit,
            inventoryMarker: input.InventoryRetrievalParameters?.Marker)
    }

    static func describe(_ status: JobStatus, region: String) -> GlacierJobDescription {
        let job = status.job
        var out = GlacierJobDescription(
            JobId: job.id, Action: job.action.rawValue,
            VaultARN: GlacierService.vaultARN(region: region, accountID: job.accountID, vault: job.vaultName),
            CreationDate: ISO8601Timestamp.format(job.createdAt), Completed: status.completed,
            StatusCode: status.completed ? "Succeeded" : "InProgress")
        out.JobDescription = job.description
        out.StatusMessage = status.completed ? "Succeeded" : nil
        out.CompletionDate = status.completed ? ISO8601Timestamp.format(job.completesAt) : nil
        out.SNSTopic = job.snsTopic
        out.Tier = job.tier
        switch job.action {
        case .archiveRetrieval:
            out.ArchiveId = job.archiveID
            out.ArchiveSizeInBytes = job.archiveSize
            out.ArchiveSHA256TreeHash = job.archiveTreeHash?.hex
            out.RetrievalByteRange = job.range?.description
            let whole = job.range?.count == job.archiveSize
            out.SHA256TreeHash = (status.completed || !whole) ? job.rangeTreeHash?.hex : nil
        case .inventoryRetrieval:
            out.InventorySizeInBytes = status.completed ? job.outputSize : nil
            if let json = job.inventoryParametersJSON,
               let echoed = try? JSONDecoder().decode(InventoryParameters.self, from: Data(json.utf8)) {
                out.InventoryRetrievalParameters = GlacierInventoryRetrievalParameters(
                    Format: echoed.Format, StartDate: echoed.StartDate, EndDate: echoed.EndDate, Limit: echoed.Limit, Marker: echoed.Marker)
            }
        }
        return out
    }
}
