import Foundation
import Logging
import TesseraCore
import TesseraStorage

/// Glacier's rules and state machines over the shared stores: vaults, archives, multipart uploads, jobs.
/// Holds no upload state of its own; every call reads and writes the stores, so any node can serve any call.
public struct GlacierService: Sendable {
    let metadata: any GlacierMetadataStore
    let blobs: any BlobStore
    let ingest: BlobIngest
    let clock: EngineClock
    /// How long a job stays InProgress before it succeeds.
    let jobDelay: TimeInterval
    /// How many vaults an account may hold (Glacier's quota is 1,000).
    public var maxVaults = 1000

    public init(metadata: any GlacierMetadataStore, blobs: any BlobStore, clock: EngineClock = .system,
                jobDelay: TimeInterval = 0) {
        self.metadata = metadata
        self.blobs = blobs
        self.ingest = BlobIngest(blobs: blobs)
        self.clock = clock
        self.jobDelay = jobDelay
    }

    /// The vault, or ``EngineError/vaultNotFound(accountID:vault:)``.
    func requireVault(_ accountID: String, _ name: String) async throws -> VaultRecord {
        guard let vault = try await storage({ try await metadata.vault(accountID: accountID, name: name) }) else {
            throw EngineError.vaultNotFound(accountID: accountID, vault: name)
        }
        return vault
    }

    /// The vault's ARN as Glacier writes it.
    public static func vaultARN(region: String, accountID: String, vault: String) -> String {
        "arn:aws:glacier:\(region):\(accountID):vaults/\(vault)"
    }
}
