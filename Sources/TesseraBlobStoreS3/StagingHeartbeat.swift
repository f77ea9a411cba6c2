import Foundation
import TesseraStorage

/// Keeps this server process marked alive in the metadata database (``BlobWriteLedger/markAlive(instance:at:)``)
/// while it has staging uploads in the object store, once a second, so that a sweep on any node can tell the
/// staging of an upload in progress (spared) from the staging a dead process left behind (removed).
actor StagingHeartbeat {
    /// This process's name in the database and in its staging keys (`staging/<instance>/…`).
    nonisolated let instance: String
    private let ledger: any BlobWriteLedger
    private var open = 0
    private var beating: Task<Void, Never>?

    /// How often the process is marked alive while it has staging.
    static let interval: Duration = .seconds(1)
    /// A process not marked alive for this long is taken for dead.
    static let deadAfter: TimeInterval = 5

    init(instance: String, ledger: any BlobWriteLedger) {
        self.instance = instance
        self.ledger = ledger
    }

    /// Called before a staging upload is created: marks the process alive (before any staging exists) and keeps
    /// it so until the matching ``end()``.
    func begin() async throws {
        open += 1
        guard beating == nil else { return }
        do {
            try await ledger.markAlive(instance: instance, at: Date())
        } catch {
            open -= 1
            throw error
        }
        guard beating == nil, open > 0 else { return }
        let (ledger, instance) = (ledger, instance)
        beating = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                try? await ledger.markAlive(instance: instance, at: Date())
            }
        }
    }

    /// Called once a staging upload is gone (completed and copied, or aborted).
    func end() {
        open -= 1
        if open <= 0 {
            open = 0
            beating?.cancel()
            beating = nil
        }
    }
}
