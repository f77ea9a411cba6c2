import Foundation
import SQLKit
import TesseraStorage

extension SQLMetadataStore: AccountSettingsMetadata {
    public func dataRetrievalPolicy(accountID: String) async throws -> String? {
        try await sessions.read { db in
            try await db.raw("SELECT data_retrieval_policy FROM glacier_account_settings WHERE account_id = \(bind: accountID)")
                .first().map { try $0.decode(column: "data_retrieval_policy", as: String.self) }
        }
    }

    public func setDataRetrievalPolicy(accountID: String, json: String) async throws {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO glacier_account_settings (account_id, data_retrieval_policy) VALUES (\(bind: accountID), \(bind: json))
                ON CONFLICT (account_id) DO UPDATE SET data_retrieval_policy = excluded.data_retrieval_policy
                """).run()
        }
    }

    public func insertProvisionedCapacity(_ unit: ProvisionedCapacityRecord, maximumActive: Int) async throws -> Bool {
        try await sessions.transaction { db in
            try await Self.orderPerAccount(db, purpose: Self.capacityPurchaseLockKey, accountID: unit.accountID)
            return try await db.raw("""
                INSERT INTO glacier_provisioned_capacity (id, account_id, start_date, expiration_date)
                SELECT \(bind: unit.id), \(bind: unit.accountID), \(bind: unit.startDate.millis), \(bind: unit.expirationDate.millis)
                WHERE (SELECT COUNT(*) FROM glacier_provisioned_capacity WHERE account_id = \(bind: unit.accountID)
                       AND expiration_date > \(bind: unit.startDate.millis)) < \(bind: Int64(clamping: maximumActive))
                RETURNING id
                """).first() != nil
        }
    }

    /// The first half of the advisory-lock key that orders capacity purchases of one account on PostgreSQL.
    static let capacityPurchaseLockKey: Int32 = 0x7063_6170

    public func provisionedCapacity(accountID: String) async throws -> [ProvisionedCapacityRecord] {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_provisioned_capacity WHERE account_id = \(bind: accountID) ORDER BY start_date, id
                """).all().map { row in
                    ProvisionedCapacityRecord(
                        id: try row.decode(column: "id", as: String.self),
                        accountID: try row.decode(column: "account_id", as: String.self),
                        startDate: Date(millis: try row.decode(column: "start_date", as: Int64.self)),
                        expirationDate: Date(millis: try row.decode(column: "expiration_date", as: Int64.self)))
                }
        }
    }
}
