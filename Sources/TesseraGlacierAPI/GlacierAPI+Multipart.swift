import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

extension GlacierAPI {
    func registerMultipartRoutes(on router: Router<TesseraRequestContext>) {
        let upload = "/:account/vaults/:vault/multipart-uploads/:upload"
        router.post("/:account/vaults/:vault/multipart-uploads") { request, context in
            await handle(request, context) { call in
                let created = try await service.initiateMultipartUpload(
                    accountID: call.accountID, vault: call.vault, partSize: request.headers[.amzPartSize],
                    description: request.headers[.amzArchiveDescription])
                return GlacierResponse.empty(.created, [
                    .location: "/\(call.accountID)/vaults/\(call.vault)/multipart-uploads/\(created.id)",
                    .amzUploadID: created.id,
                ])
            }
        }
        router.put(RouterPath(upload)) { request, context in
            await handle(request, context) { call in
                let treeHash = try await service.uploadMultipartPart(
                    accountID: call.accountID, vault: call.vault, uploadID: context.parameters.get("upload") ?? "",
                    contentRange: request.headers[.contentRange],
                    contentLength: request.headers[.contentLength].flatMap { Int64($0) },
                    treeHash: request.headers[.amzTreeHash], payloadSHA256: context.payloadSHA256, body: request.body)
                return GlacierResponse.empty(.noContent, [.amzTreeHash: treeHash.hex])
            }
        }
        router.post(RouterPath(upload)) { request, context in
            await handle(request, context) { call in
                let created = try await service.completeMultipartUpload(
                    accountID: call.accountID, vault: call.vault, uploadID: context.parameters.get("upload") ?? "",
                    archiveSize: request.headers[.amzArchiveSize], treeHash: request.headers[.amzTreeHash])
                return GlacierResponse.empty(.created, [
                    .location: "/\(call.accountID)/vaults/\(call.vault)/archives/\(created.archiveID)",
                    .amzArchiveID: created.archiveID,
                    .amzTreeHash: created.treeHash.hex,
                ])
            }
        }
        router.delete(RouterPath(upload)) { request, context in
            await handle(request, context) { call in
                try await service.abortMultipartUpload(accountID: call.accountID, vault: call.vault,
                                                       uploadID: context.parameters.get("upload") ?? "")
                return GlacierResponse.empty(.noContent)
            }
        }
        router.get(RouterPath(upload)) { request, context in
            await handle(request, context) { call in
                let query = request.uri.queryParameters
                let page = try await service.listParts(
                    accountID: call.accountID, vault: call.vault, uploadID: context.parameters.get("upload") ?? "",
                    marker: query.get("marker"), limit: query.get("limit"))
                return try GlacierResponse.json(GlacierListPartsOutput(
                    ArchiveDescription: page.upload.description.isEmpty ? nil : page.upload.description,
                    CreationDate: ISO8601Timestamp.format(page.upload.createdAt), Marker: page.nextMarker,
                    MultipartUploadId: page.upload.id, PartSizeInBytes: page.upload.partSize,
                    Parts: page.parts.map { GlacierPartListElement(RangeInBytes: $0.range.description, SHA256TreeHash: $0.treeHash.hex) },
                    VaultARN: GlacierService.vaultARN(region: call.region, accountID: call.accountID, vault: call.vault)))
            }
        }
        router.get("/:account/vaults/:vault/multipart-uploads") { request, context in
            await handle(request, context) { call in
                let query = request.uri.queryParameters
                let page = try await service.listMultipartUploads(accountID: call.accountID, vault: call.vault,
                                                                  marker: query.get("marker"), limit: query.get("limit"))
                let arn = GlacierService.vaultARN(region: call.region, accountID: call.accountID, vault: call.vault)
                return try GlacierResponse.json(GlacierListMultipartUploadsOutput(
                    UploadsList: page.uploads.map {
                        GlacierUploadListElement(ArchiveDescription: $0.description.isEmpty ? nil : $0.description,
                                                 CreationDate: ISO8601Timestamp.format($0.createdAt), MultipartUploadId: $0.id,
                                                 PartSizeInBytes: $0.partSize, VaultARN: arn)
                    }, Marker: page.nextMarker))
            }
        }
    }
}
