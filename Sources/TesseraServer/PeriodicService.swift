import Logging
import ServiceLifecycle

/// Runs a piece of upkeep every `interval` seconds until the server shuts down (garbage collection, upload
/// expiry, lifecycle policies). A failed run is logged and the next one goes ahead.
struct PeriodicService: Service {
    let name: String
    let interval: Double
    let logger: Logger
    /// One run; returns what to log at info level when it did something, nil when it did nothing.
    let work: @Sendable () async throws -> Logger.Metadata?

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .seconds(interval))
                } catch {
                    return
                }
                do {
                    if let metadata = try await work() { logger.info("\(name)", metadata: metadata) }
                } catch {
                    logger.error("\(name) failed", metadata: ["tessera.error": .string(String(describing: error))])
                }
            }
        }
    }
}
