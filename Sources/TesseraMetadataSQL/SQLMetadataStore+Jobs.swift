import Foundation
import SQLKit
import TesseraCore
import TesseraStorage

extension SQLMetadataStore: JobMetadata {
    public func insertJob(_ job: JobRecord) async throws {
        try await sessions.transaction { db in
            try await Self.requireVault(accountID: job.accountID, name: job.vaultName, in: db)
            try await db.raw("""
                INSERT INTO glacier_jobs (id, account_id, vault_name, action, description, tier, sns_topic, created_at,
                completes_at, archive_id, archive_size, archive_tree_hash, range_first, range_last, range_tree_hash, output_blob,
                output_size, format, inventory_parameters) VALUES (\(bind: job.id), \(bind: job.accountID),
                \(bind: job.vaultName), \(bind: job.action.rawValue), \(bind: job.description), \(bind: job.tier),
                \(bind: job.snsTopic), \(bind: job.createdAt.millis), \(bind: job.completesAt.millis), \(bind: job.archiveID),
                \(bind: job.archiveSize), \(bind: job.archiveTreeHash?.hex), \(bind: job.range?.first), \(bind: job.range?.last), \(bind: job.rangeTreeHash?.hex),
                \(bind: job.outputBlob?.hex), \(bind: job.outputSize), \(bind: job.format), \(bind: job.inventoryParametersJSON))
                """).run()
        }
    }

    public func job(accountID: String, vaultName: String, id: String) async throws -> JobRecord? {
        try await sessions.read { db in
            try await db.raw("""
                SELECT * FROM glacier_jobs WHERE id = \(bind: id) AND account_id = \(bind: accountID) AND vault_name = \(bind: vaultName)
                """).first().map(Self.jobRecord)
        }
    }

    public func listJobs(accountID: String, vaultName: String, filter: JobFilter, fromID: String?, limit: Int) async throws -> [JobRecord] {
        try await sessions.read { db in
            var start: Int64 = 0
            if let fromID {
                guard let row = try await db.raw("SELECT created_at FROM glacier_jobs WHERE id = \(bind: fromID)").first() else {
                    throw StorageError.notFound("marker \(fromID)")
                }
                start = try row.decode(column: "created_at", as: Int64.self)
            }
            let now = filter.now.millis
            var query = SQLQueryString("""
                SELECT * FROM glacier_jobs WHERE account_id = \(bind: accountID) AND vault_name = \(bind: vaultName)
                AND (created_at > \(bind: start) OR (created_at = \(bind: start) AND id >= \(bind: fromID ?? "")))
                AND completes_at >= \(bind: filter.expiredBefore.millis)
                """)
            // Every job this server runs succeeds once its delay has passed, so "completed" and the
            // status code both reduce to comparing completes_at with now.
            if let completed = filter.completed {
                query = query + (completed ? " AND completes_at <= \(bind: now)" : " AND completes_at > \(bind: now)")
            }
            switch filter.statusCode {
            case "Succeeded": query = query + " AND completes_at <= \(bind: now)"
            case "InProgress": query = query + " AND completes_at > \(bind: now)"
            case "Failed": query = query + " AND 1 = 0"
            default: break
            }
            query = query + " ORDER BY created_at, id LIMIT \(bind: limit)"
            return try await db.raw(query).all().map(Self.jobRecord)
        }
    }

    static func jobRecord(_ row: any SQLRow) throws -> JobRecord {
        let actionText = try row.decode(column: "action", as: String.self)
        guard let action = JobRecord.Action(rawValue: actionText) else { throw StorageError.backend("job action \(actionText)") }
        var job = JobRecord(
            id: try row.decode(column: "id", as: String.self),
            accountID: try row.decode(column: "account_id", as: String.self),
            vaultName: try row.decode(column: "vault_name", as: String.self),
            action: action,
            description: try row.decode(column: "description", as: String?.self),
            tier: try row.decode(column: "tier", as: String.self),
            snsTopic: try row.decode(column: "sns_topic", as: String?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            completesAt: Date(millis: try row.decode(column: "completes_at", as: Int64.self)))
        job.archiveID = try row.decode(column: "archive_id", as: String?.self)
        job.archiveSize = try row.decode(column: "archive_size", as: Int64?.self)
        job.archiveTreeHash = try row.decode(column: "archive_tree_hash", as: String?.self).flatMap { SHA256Value(hex: $0) }
        if let first = try row.decode(column: "range_first", as: Int64?.self),
           let last = try row.decode(column: "range_last", as: Int64?.self) {
            job.range = InclusiveByteRange(first: first, last: last)
        }
        job.rangeTreeHash = try row.decode(column: "range_tree_hash", as: String?.self).flatMap { SHA256Value(hex: $0) }
        job.outputBlob = try row.decode(column: "output_blob", as: String?.self).flatMap { SHA256Value(hex: $0) }
        job.outputSize = try row.decode(column: "output_size", as: Int64?.self)
        job.format = try row.decode(column: "format", as: String?.self)
        job.inventoryParametersJSON = try row.decode(column: "inventory_parameters", as: String?.self)
        return job
    }
}
