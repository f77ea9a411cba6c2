import SQLKit

/// The schema, as an ordered list of migrations; each runs once, in its own transaction, and is
/// recorded in `schema_migrations`. Add new migrations at the end; never edit one that has shipped.
public enum SchemaMigrations {
    static let all: [[String]] = [
        // 1: Glacier
        [
            """
            CREATE TABLE glacier_vaults (account_id TEXT NOT NULL, name TEXT NOT NULL, created_at BIGINT NOT NULL,
              archive_count BIGINT NOT NULL DEFAULT 0, size_bytes BIGINT NOT NULL DEFAULT 0, last_inventory_at BIGINT,
              PRIMARY KEY (account_id, name))
            """,
            """
            CREATE TABLE glacier_vault_settings (account_id TEXT NOT NULL, vault_name TEXT NOT NULL, kind TEXT NOT NULL,
              json TEXT NOT NULL, PRIMARY KEY (account_id, vault_name, kind))
            """,
            """
            CREATE TABLE glacier_archives (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vault_name TEXT NOT NULL,
              description TEXT NOT NULL, size BIGINT NOT NULL, tree_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
              deleted_at BIGINT)
            """,
            "CREATE INDEX glacier_archives_by_vault ON glacier_archives (account_id, vault_name, created_at)",
            """
            CREATE TABLE glacier_archive_segments (archive_id TEXT NOT NULL, position BIGINT NOT NULL, blob TEXT NOT NULL,
              length BIGINT NOT NULL, PRIMARY KEY (archive_id, position))
            """,
            """
            CREATE TABLE glacier_uploads (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vault_name TEXT NOT NULL,
              description TEXT NOT NULL, part_size BIGINT NOT NULL, created_at BIGINT NOT NULL, state TEXT NOT NULL,
              archive_id TEXT)
            """,
            "CREATE INDEX glacier_uploads_by_vault ON glacier_uploads (account_id, vault_name, created_at)",
            """
            CREATE TABLE glacier_upload_parts (upload_id TEXT NOT NULL, first_byte BIGINT NOT NULL, last_byte BIGINT NOT NULL,
              tree_hash TEXT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY (upload_id, first_byte))
            """,
            """
            CREATE TABLE glacier_jobs (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, vault_name TEXT NOT NULL,
              action TEXT NOT NULL, description TEXT, tier TEXT NOT NULL, sns_topic TEXT, created_at BIGINT NOT NULL,
              completes_at BIGINT NOT NULL, archive_id TEXT, archive_size BIGINT, archive_tree_hash TEXT,
              range_first BIGINT, range_last BIGINT, range_tree_hash TEXT, output_blob TEXT, output_size BIGINT, format TEXT,
              inventory_parameters TEXT)
            """,
            "CREATE INDEX glacier_jobs_by_vault ON glacier_jobs (account_id, vault_name, created_at)",
            "CREATE TABLE glacier_account_settings (account_id TEXT PRIMARY KEY, data_retrieval_policy TEXT NOT NULL)",
            """
            CREATE TABLE glacier_provisioned_capacity (id TEXT PRIMARY KEY, account_id TEXT NOT NULL,
              start_date BIGINT NOT NULL, expiration_date BIGINT NOT NULL)
            """,
        ],
        // 2: EBS snapshots
        [
            """
            CREATE TABLE ebs_snapshots (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, region TEXT NOT NULL,
              volume_size BIGINT NOT NULL, parent_id TEXT, lineage_root TEXT NOT NULL, description TEXT, tags TEXT,
              client_token TEXT, request_fingerprint TEXT NOT NULL, encrypted BIGINT NOT NULL, kms_key_arn TEXT,
              timeout_minutes BIGINT NOT NULL, start_time BIGINT NOT NULL, status TEXT NOT NULL, status_message TEXT,
              deleted_at BIGINT)
            """,
            "CREATE UNIQUE INDEX ebs_snapshots_by_token ON ebs_snapshots (account_id, client_token)",
            "CREATE INDEX ebs_snapshots_by_account ON ebs_snapshots (account_id, region, start_time)",
            """
            CREATE TABLE ebs_blocks (snapshot_id TEXT NOT NULL, block_index BIGINT NOT NULL, blob TEXT NOT NULL,
              PRIMARY KEY (snapshot_id, block_index))
            """,
        ],
        // 3: the container registry (ECR, ECR Public and the OCI door share these)
        [
            """
            CREATE TABLE registry_repositories (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, registry TEXT NOT NULL,
              name TEXT NOT NULL, created_at BIGINT NOT NULL, tag_mutability TEXT NOT NULL, mutability_exclusions TEXT,
              scan_on_push BIGINT NOT NULL, encryption_type TEXT NOT NULL, kms_key TEXT)
            """,
            "CREATE UNIQUE INDEX registry_repositories_by_name ON registry_repositories (account_id, registry, name)",
            """
            CREATE TABLE registry_repository_settings (repository_id TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL,
              PRIMARY KEY (repository_id, kind))
            """,
            """
            CREATE TABLE registry_repository_tags (repository_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
              PRIMARY KEY (repository_id, tag_key))
            """,
            """
            CREATE TABLE registry_settings (account_id TEXT NOT NULL, registry TEXT NOT NULL, name TEXT NOT NULL,
              json TEXT NOT NULL, PRIMARY KEY (account_id, registry, name))
            """,
            """
            CREATE TABLE registry_uploads (id TEXT PRIMARY KEY, repository_id TEXT NOT NULL, created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL, received_bytes BIGINT NOT NULL, part_count BIGINT NOT NULL, hash_state TEXT NOT NULL,
              state TEXT NOT NULL, layer_digest TEXT)
            """,
            "CREATE INDEX registry_uploads_by_update ON registry_uploads (state, updated_at)",
            """
            CREATE TABLE registry_upload_parts (upload_id TEXT NOT NULL, position BIGINT NOT NULL, first_byte BIGINT NOT NULL,
              length BIGINT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY (upload_id, position))
            """,
            "CREATE TABLE registry_blobs (digest TEXT PRIMARY KEY, size BIGINT NOT NULL, created_at BIGINT NOT NULL)",
            """
            CREATE TABLE registry_blob_segments (digest TEXT NOT NULL, position BIGINT NOT NULL, blob TEXT NOT NULL,
              length BIGINT NOT NULL, PRIMARY KEY (digest, position))
            """,
            """
            CREATE TABLE registry_repository_blobs (repository_id TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT,
              linked_at BIGINT NOT NULL, PRIMARY KEY (repository_id, digest))
            """,
            "CREATE INDEX registry_repository_blobs_by_digest ON registry_repository_blobs (digest)",
            """
            CREATE TABLE registry_images (repository_id TEXT NOT NULL, digest TEXT NOT NULL, manifest TEXT NOT NULL,
              media_type TEXT NOT NULL, artifact_media_type TEXT, artifact_type TEXT, subject TEXT, size BIGINT NOT NULL,
              pushed_at BIGINT NOT NULL, last_pulled_at BIGINT, status TEXT NOT NULL, last_archived_at BIGINT,
              last_activated_at BIGINT, PRIMARY KEY (repository_id, digest))
            """,
            "CREATE INDEX registry_images_by_push ON registry_images (repository_id, pushed_at, digest)",
            "CREATE INDEX registry_images_by_subject ON registry_images (repository_id, subject)",
            """
            CREATE TABLE registry_image_references (repository_id TEXT NOT NULL, image_digest TEXT NOT NULL,
              referenced_digest TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (repository_id, image_digest, referenced_digest))
            """,
            "CREATE INDEX registry_image_references_by_target ON registry_image_references (repository_id, referenced_digest)",
            """
            CREATE TABLE registry_tags (repository_id TEXT NOT NULL, tag TEXT NOT NULL, image_digest TEXT NOT NULL,
              updated_at BIGINT NOT NULL, PRIMARY KEY (repository_id, tag))
            """,
            "CREATE INDEX registry_tags_by_image ON registry_tags (repository_id, image_digest)",
            """
            CREATE TABLE registry_scans (repository_id TEXT NOT NULL, image_digest TEXT NOT NULL, status TEXT NOT NULL,
              description TEXT NOT NULL, completed_at BIGINT NOT NULL, PRIMARY KEY (repository_id, image_digest))
            """,
        ],
        // 4: for several nodes: when each blob in an object store was last written, the sweeps deleting them,
        // and which server processes are alive with uploads in progress (BlobWriteLedger); the keys every node
        // signs tokens with (SharedKeys)
        [
            """
            CREATE TABLE blob_writes (digest TEXT PRIMARY KEY, written_at BIGINT NOT NULL, deleting_since BIGINT)
            """,
            "CREATE INDEX blob_writes_by_claim ON blob_writes (deleting_since)",
            "CREATE TABLE shared_keys (name TEXT PRIMARY KEY, hex TEXT NOT NULL)",
            "CREATE TABLE blob_staging_instances (instance TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)",
        ],
        // 5: every column that names a blob, indexed by it, so a garbage-collection sweep asks which of one page
        // of stored blobs are referenced without reading whole tables
        [
            "CREATE INDEX glacier_archive_segments_by_blob ON glacier_archive_segments (blob)",
            "CREATE INDEX glacier_upload_parts_by_blob ON glacier_upload_parts (blob)",
            "CREATE INDEX glacier_jobs_by_output_blob ON glacier_jobs (output_blob)",
            "CREATE INDEX ebs_blocks_by_blob ON ebs_blocks (blob)",
            "CREATE INDEX registry_blob_segments_by_blob ON registry_blob_segments (blob)",
            "CREATE INDEX registry_upload_parts_by_blob ON registry_upload_parts (blob)",
        ],
    ]

    /// Applies every migration the database has not seen yet. On PostgreSQL each step first takes a
    /// transaction-scoped advisory lock, so nodes that start together apply each migration exactly once (the
    /// others wait, then find it recorded).
    static func apply(using sessions: any SQLSessions) async throws {
        try await sessions.transaction { db in
            try await lockMigrations(in: db)
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").run()
        }
        for (index, statements) in all.enumerated() {
            let version = index + 1
            try await sessions.transaction { db in
                try await lockMigrations(in: db)
                let seen = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: version)").first()
                guard seen == nil else { return }
                for statement in statements {
                    try await db.raw(SQLQueryString(inDialect(statement, named: db.dialect.name))).run()
                }
                try await db.raw("INSERT INTO schema_migrations (version) VALUES (\(bind: version))").run()
            }
        }
    }

    /// The key of the advisory lock that orders migrations across nodes (any constant of Tessera's own).
    public static let lockKey: Int64 = 0x7465_7373_6572_61

    static func lockMigrations(in db: any SQLDatabase) async throws {
        guard db.dialect.name == "postgresql" else { return }   // SQLite: one writer already
        try await db.raw("SELECT pg_advisory_xact_lock(\(bind: lockKey))").run()
    }

    /// A statement as the dialect needs it. On PostgreSQL every text column is created with the "C" collation,
    /// so that names compare and sort byte by byte, as on SQLite and in AWS's paged listings; the default
    /// collation of a PostgreSQL database follows its locale and would page names in another order.
    static func inDialect(_ statement: String, named dialect: String) -> String {
        guard dialect == "postgresql" else { return statement }
        return statement.replacing(/\bTEXT\b/, with: "TEXT COLLATE \"C\"")
    }
}
