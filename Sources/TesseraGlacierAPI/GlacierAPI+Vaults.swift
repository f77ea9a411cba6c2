import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraStorage
import TesseraWire

extension GlacierAPI {
    func registerVaultRoutes(on router: Router<TesseraRequestContext>) {
        router.put("/:account/vaults/:vault") { request, context in
            await handle(request, context) { call in
                try await service.createVault(accountID: call.accountID, name: call.vault)
                return GlacierResponse.empty(.created, [.location: "/\(call.accountID)/vaults/\(call.vault)"])
            }
        }
        router.get("/:account/vaults/:vault") { request, context in
            await handle(request, context) { call in
                let vault = try await service.describeVault(accountID: call.accountID, name: call.vault)
                return try GlacierResponse.json(Self.describe(vault, region: call.region))
            }
        }
        router.get("/:account/vaults") { request, context in
            await handle(request, context) { call in
                let query = request.uri.queryParameters
                let page = try await service.listVaults(accountID: call.accountID, marker: Self.vaultName(fromMarker: query.get("marker")),
                                                        limit: query.get("limit"))
                let marker = page.nextMarker.map { GlacierService.vaultARN(region: call.region, accountID: call.accountID, vault: $0) }
                return try GlacierResponse.json(GlacierListVaultsOutput(
                    VaultList: page.vaults.map { Self.describe($0, region: call.region) }, Marker: marker))
            }
        }
        router.delete("/:account/vaults/:vault") { request, context in
            await handle(request, context) { call in
                try await service.deleteVault(accountID: call.accountID, name: call.vault)
                return GlacierResponse.empty(.noContent)
            }
        }
    }

    /// ListVaults markers are vault ARNs; a bare name is accepted too.
    static func vaultName(fromMarker marker: String?) -> String? {
        guard let marker else { return nil }
        guard let range = marker.range(of: ":vaults/") else { return marker }
        return String(marker[range.upperBound...])
    }

    static func describe(_ vault: VaultRecord, region: String) -> GlacierVaultDescription {
        GlacierVaultDescription(
            VaultARN: GlacierService.vaultARN(region: region, accountID: vault.accountID, vault: vault.name),
            VaultName: vault.name, CreationDate: ISO8601Timestamp.format(vault.createdAt),
            LastInventoryDate: vault.lastInventoryAt.map(ISO8601Timestamp.format),
            NumberOfArchives: vault.archiveCount, SizeInBytes: vault.sizeInBytes)
    }
}
