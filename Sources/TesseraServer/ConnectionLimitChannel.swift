import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Prometheus

/// Caps the connections open at once (`--max-connections`): a connection beyond the cap is closed as soon
/// as it is accepted, before any of its bytes are read or buffered, so a flood of idle or slow connections
/// cannot grow the server's memory without bound. Clients see a closed connection and retry (the AWS SDKs
/// and container tools do).
struct ConnectionLimitChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let limit: ConnectionLimit

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard limit.admit() else {
            // Counted, and logged at debug only: a flood must not flood the log too.
            limit.refused.increment()
            logger.debug("connection refused: --max-connections reached", metadata: ["tessera.limit": .stringConvertible(limit.maximum)])
            return channel.close().flatMapThrowing { throw ConnectionLimit.Reached() }
        }
        channel.closeFuture.whenComplete { _ in limit.release() }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The count of open connections against the cap, shared by every accepted channel.
final class ConnectionLimit: Sendable {
    struct Reached: Error {}

    let maximum: Int
    let refused: Counter
    private let open = NIOLockedValueBox(0)

    init(maximum: Int, metrics: PrometheusCollectorRegistry) {
        self.maximum = maximum
        refused = metrics.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "tessera", metricName: "connections_refused", unitName: "total",
            helpText: "Connections closed as they were accepted because --max-connections were open."))
    }

    /// Takes a place if one is free.
    func admit() -> Bool {
        open.withLockedValue { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    func release() {
        open.withLockedValue { $0 -= 1 }
    }
}
