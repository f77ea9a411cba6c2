import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import TesseraBlobStoreFileSystem
import TesseraEBSAPI
import TesseraEngine
import TesseraFrontDoor
import TesseraGlacierAPI
import TesseraMetadataSQL

/// The composition root: opens the stores under the data directory, builds the router with its
/// middleware and every front door, and serves until SIGINT or SIGTERM.
public enum TesseraServer {
    /// Runs the server. Prints `listening on http://HOST:PORT` once it accepts connections.
    /// - Parameter metrics: the registry `/metrics` shows; the caller bootstraps swift-metrics with it.
    public static func run(_ configuration: ServerConfiguration, metrics: PrometheusCollectorRegistry,
                           print announce: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "tessera")
        logger.logLevel = configuration.logLevel
        let stores = try await ServerStores.open(dataDirectory: configuration.dataDirectory, logger: logger)
        let credentials = try CredentialLoading.load(configuration, announce: announce)
        let router = makeRouter(configuration: configuration, stores: stores, credentials: credentials, metrics: metrics)
        let host = configuration.host
        let collector = GarbageCollector(blobs: stores.blobs, references: stores.metadata, grace: configuration.gcGrace)
        let app = Application(
            router: router,
            server: .http1LargeReads(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout * 1_000_000_000))),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "Tessera"),
            services: [GarbageCollectionService(collector: collector, interval: configuration.gcInterval, logger: logger)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                announce("listening on http://\(host):\(port)")
            },
            logger: logger)
        do {
            try await app.runService()
        } catch {
            try? await stores.metadata.close()
            throw error
        }
        try await stores.metadata.close()
    }

    /// The router with every route and middleware; also used by in-process tests.
    public static func makeRouter(configuration: ServerConfiguration, stores: ServerStores, credentials: CredentialStore,
                                  metrics: PrometheusCollectorRegistry) -> Router<TesseraRequestContext> {
        let router = Router(context: TesseraRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: TrafficMetricsMiddleware())
        router.add(middleware: SigV4AuthMiddleware(credentials: credentials, clock: { Date() }))
        router.add(middleware: UnknownOperationMiddleware())
        router.get("/health") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        let glacier = GlacierService(metadata: stores.metadata, blobs: stores.blobs, jobDelay: configuration.glacierJobDelay)
        GlacierAPI(service: glacier).register(on: router)
        let snapshots = SnapshotService(metadata: stores.metadata, blobs: stores.blobs, tokens: BlockTokens(key: stores.blockTokenKey))
        EBSAPI(service: snapshots).register(on: router)
        // `POST /` carries the EC2 Query protocol (and, with X-Amz-Target, the JSON protocols still to come).
        let ec2 = EC2SnapshotAPI(service: snapshots)
        router.post("/") { request, context in await ec2.respond(to: request, context: context) }
        return router
    }
}
