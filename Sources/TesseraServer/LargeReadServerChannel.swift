import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus

/// A server child channel that reads up to ``maximumRead`` bytes from the socket at a time, then sets up
/// the channel it wraps (Hummingbird's HTTP/1).
///
/// NIO reads at most 64 KiB at a time by default, so a 512 KiB EBS block arrived as eight or more body
/// chunks, each waking the request's task and crossing into the blob staging. Uploads are this server's
/// main traffic: letting the read buffer grow to 1 MiB (it adapts, so small requests still read small)
/// cuts those hand-offs; bench/README.md has the measurement.
struct LargeReadServerChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    static var maximumRead: Int { 1 << 20 }
    /// The first read of a connection: a request head fits, and an idle or slow connection holds no more (the
    /// allocator grows fast — a read that fills the buffer makes the next one sixteen times larger — so an upload reaches
    /// ``maximumRead`` within a few reads).
    static var initialRead: Int { 2048 }

    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: Self.initialRead, maximum: Self.maximumRead)
        return channel.setOption(ChannelOptions.recvAllocator, value: allocator).flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with reads of up to 1 MiB (``LargeReadServerChannel``), closing a connection that has sent
    /// nothing for `idleTimeout` (between requests, or stalled in the middle of a request's body).
    /// At most `maximumConnections` connections are open at once (``ConnectionLimitChannel``).
    static func http1LargeReads(idleTimeout: TimeAmount, maximumConnections: Int,
                                metrics: PrometheusCollectorRegistry) -> HTTPServerBuilder {
        let limit = ConnectionLimit(maximum: maximumConnections, metrics: metrics)
        return .init { responder in
            ConnectionLimitChannel(
                base: LargeReadServerChannel(base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout))),
                limit: limit)
        }
    }
}
