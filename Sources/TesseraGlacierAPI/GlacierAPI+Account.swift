import Hummingbird
import TesseraCore
import TesseraEngine
import TesseraFrontDoor
import TesseraWire

struct DataRetrievalPolicyDocument: Codable { var Rules: [DataRetrievalRule]? }
struct DataRetrievalPolicyBody: Codable { var Policy: DataRetrievalPolicyDocument? }
struct ProvisionedCapacityDescription: Codable { var CapacityId: String; var StartDate: String; var ExpirationDate: String }
struct ProvisionedCapacityList: Codable { var ProvisionedCapacityList: [ProvisionedCapacityDescription] }

extension GlacierAPI {
    func registerAccountRoutes(on router: Router<TesseraRequestContext>) {
        router.get("/:account/policies/data-retrieval") { request, context in
            await handle(request, context) { call in
                let rules = try await service.getDataRetrievalPolicy(accountID: call.accountID)
                return try GlacierResponse.json(DataRetrievalPolicyBody(Policy: DataRetrievalPolicyDocument(Rules: rules)))
            }
        }
        router.put("/:account/policies/data-retrieval") { request, context in
            await handle(request, context) { call in
                let body = try await decodeBody(DataRetrievalPolicyBody.self, request, context)
                try await service.setDataRetrievalPolicy(accountID: call.accountID, rules: body?.Policy?.Rules ?? [])
                return GlacierResponse.empty(.noContent)
            }
        }
        router.post("/:account/provisioned-capacity") { request, context in
            await handle(request, context) { call in
                let id = try await service.purchaseProvisionedCapacity(accountID: call.accountID)
                return GlacierResponse.empty(.created, [.amzCapacityID: id])
            }
        }
        router.get("/:account/provisioned-capacity") { request, context in
            await handle(request, context) { call in
                let units = try await service.listProvisionedCapacity(accountID: call.accountID)
                return try GlacierResponse.json(ProvisionedCapacityList(ProvisionedCapacityList: units.map {
                    ProvisionedCapacityDescription(CapacityId: $0.id, StartDate: ISO8601Timestamp.format($0.startDate),
                                                   ExpirationDate: ISO8601Timestamp.format($0.expirationDate))
                }))
            }
        }
    }
}
