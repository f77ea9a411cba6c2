import Foundation
import Logging
import TesseraBlobStoreFileSystem
import TesseraEngine
import TesseraFrontDoor

/// Runs the server's sweeps one at a time: the periodic one (expired registry uploads, then unreferenced
/// blobs older than `--gc-grace`), one asked for through `POST /admin/gc` (`tessera gc`), and the one a write
/// refused for want of disk space starts. The last two use ``GarbageCollector/onDemandGrace`` (or the configured
/// grace when that is shorter), so deleted data is reclaimed within a minute, not an hour.
actor GarbageCollection {
    /// What one run did.
    struct Outcome: Sendable {
        var sweep: GarbageCollector.Sweep
        var expiredUploads: Int
        var droppedLinks: Int
        var grace: TimeInterval
    }

    let collector: GarbageCollector
    let registry: RegistryService
    let space: FreeSpaceFloor
    let reserve: FreeSpaceReserve
    let gauges: StorageGauges
    let logger: Logger
    let configuredGrace: TimeInterval
    /// The run in progress; a new one waits for it.
    private var current: Task<Outcome, any Error>?
    private var lastUrgentStart: ContinuousClock.Instant?

    init(collector: GarbageCollector, registry: RegistryService, space: FreeSpaceFloor, reserve: FreeSpaceReserve,
         gauges: StorageGauges, configuredGrace: TimeInterval, logger: Logger) {
        self.collector = collector
        self.registry = registry
        self.space = space
        self.reserve = reserve
        self.gauges = gauges
        self.configuredGrace = configuredGrace
        self.logger = logger
    }

    /// Runs one sweep after any in progress; `onDemand` shortens the grace to the minimum.
    func run(onDemand: Bool) async throws -> Outcome {
        let previous = current
        let collector = collector, registry = registry, gauges = gauges, space = space, reserve = reserve, logger = logger
        let grace = onDemand ? min(configuredGrace, GarbageCollector.onDemandGrace) : configuredGrace
        let task = Task {
            _ = try? await previous?.value
            let expired = try await registry.expireUploads()
            let sweep = try await collector.sweep(grace: onDemand ? grace : nil)
            gauges.update(sweep)
            reserve.restore(space, logger: logger)
            return Outcome(sweep: sweep, expiredUploads: expired.uploads, droppedLinks: expired.links, grace: grace)
        }
        current = task
        return try await task.value
    }

    /// Starts a sweep on demand in the background, unless one started that way less than `Retry-After` ago:
    /// called for each write refused for want of space, it must not sweep once per refusal.
    func sweepSoon() {
        let now = ContinuousClock.now
        if let last = lastUrgentStart, now - last < .seconds(OutOfSpaceAnswer.retryAfterSeconds) { return }
        lastUrgentStart = now
        if let free = space.available(), free < reserve.size {
            reserve.release(logger: logger, reason: "the disk is full")
        }
        Task {
            do {
                let outcome = try await self.run(onDemand: true)
                self.logger.notice("low on disk space: swept", metadata: [
                    "tessera.gc.deleted": "\(outcome.sweep.deleted)", "tessera.gc.freed_bytes": "\(outcome.sweep.deletedBytes)"])
            } catch {
                self.logger.error("low on disk space: sweep failed", metadata: ["tessera.error": .string(String(describing: error))])
            }
        }
    }
}
