import SQLKit
import TesseraStorage

extension SQLMetadataStore {
    /// The key stored under `name`, which every node of a cluster reads: `proposal` when no node has stored
    /// one yet (the first node to start stores its proposal, the others find it).
    public func sharedKey(named name: String, proposing proposal: String) async throws -> String {
        try await sessions.transaction { db in
            try await db.raw("""
                INSERT INTO shared_keys (name, hex) VALUES (\(bind: name), \(bind: proposal)) ON CONFLICT (name) DO NOTHING
                """).run()
            guard let row = try await db.raw("SELECT hex FROM shared_keys WHERE name = \(bind: name)").first() else {
                throw StorageError.backend("shared key \(name) missing right after it was stored")
            }
            return try row.decode(column: "hex", as: String.self)
        }
    }
}
