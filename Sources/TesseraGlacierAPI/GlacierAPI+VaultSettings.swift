import Hummingbird
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

/// Request and response bodies of the per-vault settings operations.
struct TagsBody: Codable { var Tags: [String: String]? }
struct TagKeysBody: Codable { var TagKeys: [String]? }
struct PolicyDocument: Codable { var Policy: String? }

extension GlacierAPI {
    func registerVaultSettingRoutes(on router: Router<TesseraRequestContext>) {
        router.post("/:account/vaults/:vault/tags") { request, context in
            await handle(request, context) { call in
                switch request.uri.queryParameters.get("operation") {
                case "add":
                    let body = try await decodeBody(TagsBody.self, request, context)
                    try await service.addTagsToVault(accountID: call.accountID, vault: call.vault, tags: body?.Tags ?? [:])
                case "remove":
                    let body = try await decodeBody(TagKeysBody.self, request, context)
                    try await service.removeTagsFromVault(accountID: call.accountID, vault: call.vault, keys: body?.TagKeys ?? [])
                default:
                    throw GlacierWireError(.invalidParameterValue, "The operation query parameter must be add or remove")
                }
                return GlacierResponse.empty(.noContent)
            }
        }
        router.get("/:account/vaults/:vault/tags") { request, context in
            await handle(request, context) { call in
                try GlacierResponse.json(TagsBody(Tags: try await service.listTagsForVault(accountID: call.accountID, vault: call.vault)))
            }
        }
        router.put("/:account/vaults/:vault/access-policy") { request, context in
            await handle(request, context) { call in
                let body = try await decodeBody(PolicyDocument.self, request, context)
                try await service.setVaultAccessPolicy(accountID: call.accountID, vault: call.vault, policy: body?.Policy)
                return GlacierResponse.empty(.noContent)
            }
        }
        router.get("/:account/vaults/:vault/access-policy") { request, context in
            await handle(request, context) { call in
                let policy = try await service.getVaultAccessPolicy(accountID: call.accountID, vault: call.vault)
                return try GlacierResponse.json(PolicyDocument(Policy: policy))
            }
        }
        router.delete("/:account/vaults/:vault/access-policy") { request, context in
            await handle(request, context) { call in
                try await service.deleteVaultAccessPolicy(accountID: call.accountID, vault: call.vault)
                return GlacierResponse.empty(.noContent)
            }
        }
        router.put("/:account/vaults/:vault/notification-configuration") { request, context in
            await handle(request, context) { call in
                guard let config = try await decodeBody(VaultNotifications.self, request, context) else {
                    throw GlacierWireError(.missingParameterValue, "Required parameter missing: vaultNotificationConfig")
                }
                try await service.setVaultNotifications(accountID: call.accountID, vault: call.vault, config: config)
                return GlacierResponse.empty(.noContent)
            }
        }
        router.get("/:account/vaults/:vault/notification-configuration") { request, context in
            await handle(request, context) { call in
                try GlacierResponse.json(try await service.getVaultNotifications(accountID: call.accountID, vault: call.vault))
            }
        }
        router.delete("/:account/vaults/:vault/notification-configuration") { request, context in
            await handle(request, context) { call in
                try await service.deleteVaultNotifications(accountID: call.accountID, vault: call.vault)
                return GlacierResponse.empty(.noContent)
            }
        }
        registerVaultLockRoutes(on: router)
    }

    func registerVaultLockRoutes(on router: Router<TesseraRequestContext>) {
        router.post("/:account/vaults/:vault/lock-policy") { request, context in
            await handle(request, context) { call in
                let body = try await decodeBody(PolicyDocument.self, request, context)
                let lockID = try await service.initiateVaultLock(accountID: call.accountID, vault: call.vault, policy: body?.Policy)
                return GlacierResponse.empty(.created, [.amzLockID: lockID])
            }
        }
        router.post("/:account/vaults/:vault/lock-policy/:lock") { request, context in
            await handle(request, context) { call in
                try await service.completeVaultLock(accountID: call.accountID, vault: call.vault,
                                                    lockID: context.parameters.get("lock") ?? "")
                return GlacierResponse.empty(.noContent)
            }
        }
        router.delete("/:account/vaults/:vault/lock-policy") { request, context in
            await handle(request, context) { call in
                try await service.abortVaultLock(accountID: call.accountID, vault: call.vault)
                return GlacierResponse.empty(.noContent)
            }
        }
        router.get("/:account/vaults/:vault/lock-policy") { request, context in
            await handle(request, context) { call in
                try GlacierResponse.json(try await service.getVaultLock(accountID: call.accountID, vault: call.vault))
            }
        }
    }
}
