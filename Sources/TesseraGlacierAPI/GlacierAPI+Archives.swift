import Hummingbird
import TesseraEngine
import TesseraFrontDoor

extension GlacierAPI {
    func registerArchiveRoutes(on router: Router<TesseraRequestContext>) {
        router.post("/:account/vaults/:vault/archives") { request, context in
            await handle(request, context) { call in
                let created = try await service.uploadArchive(
                    accountID: call.accountID, vault: call.vault,
                    description: request.headers[.amzArchiveDescription],
                    contentLength: request.headers[.contentLength].flatMap { Int64($0) },
                    treeHash: request.headers[.amzTreeHash], payloadSHA256: context.payloadSHA256, body: request.body)
                return GlacierResponse.empty(.created, [
                    .location: "/\(call.accountID)/vaults/\(call.vault)/archives/\(created.archiveID)",
                    .amzArchiveID: created.archiveID,
                    .amzTreeHash: created.treeHash.hex,
                ])
            }
        }
        router.delete("/:account/vaults/:vault/archives/:archive") { request, context in
            await handle(request, context) { call in
                try await service.deleteArchive(accountID: call.accountID, vault: call.vault,
                                                archiveID: context.parameters.get("archive") ?? "")
                return GlacierResponse.empty(.noContent)
            }
        }
    }
}
