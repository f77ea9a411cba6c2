import Foundation
import TesseraCore
import TesseraStorage

/// One rule of a data retrieval policy.
public struct DataRetrievalRule: Codable, Sendable, Equatable {
    public var Strategy: String?
    public var BytesPerHour: Int64?
    public init(Strategy: String?, BytesPerHour: Int64?) {
        self.Strategy = Strategy
        self.BytesPerHour = BytesPerHour
    }
}

extension GlacierService {
    static let maxProvisionedUnits = 2

    /// GetDataRetrievalPolicy: FreeTier until one is set.
    public func getDataRetrievalPolicy(accountID: String) async throws -> [DataRetrievalRule] {
        guard let json = try await storage({ try await metadata.dataRetrievalPolicy(accountID: accountID) }),
              let rules = try? JSONDecoder().decode([DataRetrievalRule].self, from: Data(json.utf8)) else {
            return [DataRetrievalRule(Strategy: "FreeTier", BytesPerHour: nil)]
        }
        return rules
    }

    /// SetDataRetrievalPolicy: one rule; BytesPerHour only (and then required) with the BytesPerHour strategy.
    public func setDataRetrievalPolicy(accountID: String, rules: [DataRetrievalRule]) async throws {
        guard rules.count <= 1 else { throw EngineError.invalidParameter("A data retrieval policy has at most one rule") }
        for rule in rules {
            switch (rule.Strategy, rule.BytesPerHour) {
            case ("BytesPerHour", let bytes?) where bytes >= 1: break
            case ("FreeTier", nil), ("None", nil): break
            default:
                throw EngineError.invalidParameter(
                    "Invalid data retrieval policy rule: Strategy \(rule.Strategy ?? "null") with BytesPerHour \(rule.BytesPerHour.map(String.init) ?? "null")")
            }
        }
        let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        try await storage { try await metadata.setDataRetrievalPolicy(accountID: accountID, json: json) }
    }

    /// PurchaseProvisionedCapacity: one unit for a month; at most two per account.
    public func purchaseProvisionedCapacity(accountID: String) async throws -> String {
        let now = clock.now
        let expiry = Calendar(identifier: .gregorian).date(byAdding: .month, value: 1, to: now) ?? now.addingTimeInterval(30 * 86400)
        let unit = ProvisionedCapacityRecord(id: RandomID.urlSafe(length: 24), accountID: accountID, startDate: now, expirationDate: expiry)
        guard try await storage({ try await metadata.insertProvisionedCapacity(unit, maximumActive: Self.maxProvisionedUnits) }) else {
            throw EngineError.limitExceeded("You have reached the limit of \(Self.maxProvisionedUnits) provisioned capacity units")
        }
        return unit.id
    }

    public func listProvisionedCapacity(accountID: String) async throws -> [ProvisionedCapacityRecord] {
        try await storage { try await metadata.provisionedCapacity(accountID: accountID) }
    }
}
