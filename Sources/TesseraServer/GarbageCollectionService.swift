import Logging
import ServiceLifecycle
import TesseraEngine

/// Runs the garbage collector every `interval` seconds until the server shuts down.
struct GarbageCollectionService: Service {
    let collector: GarbageCollector
    let interval: Double
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .seconds(interval))
                } catch {
                    return
                }
                do {
                    let sweep = try await collector.sweep()
                    if sweep.deleted > 0 {
                        logger.info("garbage collected", metadata: ["tessera.gc.deleted": .stringConvertible(sweep.deleted),
                                                                    "tessera.gc.examined": .stringConvertible(sweep.examined)])
                    }
                } catch {
                    logger.error("garbage collection failed", metadata: ["tessera.error": .string(String(describing: error))])
                }
            }
        }
    }
}
