import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import TesseraBlobStoreFileSystem
import TesseraEBSAPI
import TesseraECRAPI
import TesseraEngine
import TesseraFrontDoor
import TesseraGlacierAPI
import TesseraOCIAPI
import TesseraMetadataSQL

/// The composition root: opens the stores under the data directory, builds the router with its
/// middleware and every front door, and serves until SIGINT or SIGTERM.
public enum TesseraServer {
    /// Runs the server. Prints `listening on http://HOST:PORT` (`https://` with TLS) once it accepts connections.
    /// - Parameter metrics: the registry `/metrics` shows; the caller bootstraps swift-metrics with it.
    public static func run(_ configuration: ServerConfiguration, metrics: PrometheusCollectorRegistry,
                           print announce: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "tessera")
        logger.logLevel = configuration.logLevel
        let tls = try TLSSettings.load(certificateFile: configuration.tlsCertificateFile, keyFile: configuration.tlsKeyFile)
        try ListenAddressCheck.ensureAvailable(host: configuration.host, port: configuration.port)
        let stores = try await ServerStores.open(dataDirectory: configuration.dataDirectory, metadata: configuration.metadata,
                                                 blobs: configuration.blobs, minimumFreeSpace: configuration.minimumFreeSpace,
                                                 logger: logger)
        let credentials = try CredentialLoading.load(configuration, announce: announce)
        let collection = makeGarbageCollection(configuration: configuration, stores: stores, metrics: metrics, logger: logger)
        let router = makeRouter(configuration: configuration, stores: stores, credentials: credentials, metrics: metrics,
                                collection: collection)
        let host = configuration.host
        let registry = registryService(configuration, stores)
        let http: HTTPServerBuilder = .http1LargeReads(idleTimeout: .nanoseconds(Int64(configuration.idleTimeout * 1_000_000_000)),
                                                       maximumConnections: configuration.maxConnections, metrics: metrics)
        let scheme = tls == nil ? "http" : "https"
        let server = try tls.map { try HTTPServerBuilder.tls(http, tlsConfiguration: $0.configuration) } ?? http
        var services: [any Service] = [
                // Expired uploads go first, so the sweep that follows frees their bytes.
                PeriodicService(name: "garbage collected", interval: configuration.gcInterval, logger: logger) {
                    let outcome = try await collection.run(onDemand: false)
                    let sweep = outcome.sweep
                    guard sweep.deleted > 0 || outcome.expiredUploads > 0 || outcome.droppedLinks > 0 else { return nil }
                    return ["tessera.gc.deleted": .stringConvertible(sweep.deleted), "tessera.gc.examined": .stringConvertible(sweep.examined),
                            "tessera.gc.freed_bytes": .stringConvertible(sweep.deletedBytes),
                            "tessera.registry.expired_uploads": .stringConvertible(outcome.expiredUploads),
                            "tessera.registry.dropped_links": .stringConvertible(outcome.droppedLinks)]
                },
                PeriodicService(name: "lifecycle policies applied", interval: configuration.lifecycleInterval, logger: logger) {
                    let applied = try await registry.applyLifecyclePolicies()
                    guard applied.expired > 0 || applied.archived > 0 else { return nil }
                    return ["tessera.lifecycle.expired": .stringConvertible(applied.expired),
                            "tessera.lifecycle.archived": .stringConvertible(applied.archived)]
                },
        ]
        if let publicPort = configuration.publicRegistryPort {
            try ListenAddressCheck.ensureAvailable(host: host, port: publicPort)
            services.append(Application(
                router: makePublicRegistryRouter(registry: registry, scheme: scheme, stores: stores, metrics: metrics, collection: collection),
                server: server,
                configuration: .init(address: .hostname(host, port: publicPort), serverName: "Tessera"),
                onServerRunning: { channel in
                    announce("public registry listening on \(scheme)://\(host):\(channel.localAddress?.port ?? publicPort)")
                },
                logger: logger))
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "Tessera"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                announce("listening on \(scheme)://\(host):\(port)")
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

    /// The sweeps of one server: periodic, on demand and when the disk runs low.
    static func makeGarbageCollection(configuration: ServerConfiguration, stores: ServerStores, metrics: PrometheusCollectorRegistry,
                                      logger: Logger) -> GarbageCollection {
        GarbageCollection(collector: GarbageCollector(blobs: stores.blobs, references: stores.metadata, grace: configuration.gcGrace),
                          registry: registryService(configuration, stores), space: stores.freeSpace, reserve: stores.reserve,
                          gauges: StorageGauges(registry: metrics), configuredGrace: configuration.gcGrace, logger: logger)
    }

    /// The router with every route and middleware; also used by in-process tests.
    public static func makeRouter(configuration: ServerConfiguration, stores: ServerStores, credentials: CredentialStore,
                                  metrics: PrometheusCollectorRegistry) -> Router<TesseraRequestContext> {
        makeRouter(configuration: configuration, stores: stores, credentials: credentials, metrics: metrics,
                   collection: makeGarbageCollection(configuration: configuration, stores: stores, metrics: metrics,
                                                     logger: Logger(label: "tessera")))
    }

    static func makeRouter(configuration: ServerConfiguration, stores: ServerStores, credentials: CredentialStore,
                           metrics: PrometheusCollectorRegistry, collection: GarbageCollection) -> Router<TesseraRequestContext> {
        let router = makeBaseRouter(metrics: metrics)
        router.add(middleware: SigV4AuthMiddleware(credentials: credentials, clock: { Date() }))
        router.add(middleware: UnknownOperationMiddleware())
        router.add(middleware: FreeSpaceMiddleware(space: stores.freeSpace, collection: collection))
        AdminAPI.register(on: router, collection: collection, space: stores.freeSpace)
        registerHealth(on: router)
        let gauges = StorageGauges(registry: metrics)
        router.get("/metrics") { _, context in
            do {
                gauges.update(stores.freeSpace)
                gauges.update(try await stores.metadata.storageFigures())
            } catch {
                context.logger.error("storage failure", metadata: ["tessera.error": .string("\(error)")])
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        let glacier = GlacierService(metadata: stores.metadata, blobs: stores.blobs, jobDelay: configuration.glacierJobDelay)
        GlacierAPI(service: glacier).register(on: router)
        let snapshots = SnapshotService(metadata: stores.metadata, blobs: stores.blobs, tokens: BlockTokens(key: stores.blockTokenKey))
        EBSAPI(service: snapshots).register(on: router)
        let registry = registryService(configuration, stores)
        LayerDownloadRoute.register(on: router, service: registry)
        OCIAPI(service: registry).register(on: router)
        // `POST /` carries the JSON 1.1 protocols (with X-Amz-Target: ECR, ECR Public) and EC2's Query protocol.
        let ec2 = EC2SnapshotAPI(service: snapshots)
        let ecr = ECRAPI(service: registry)
        router.post("/") { request, context in
            if FrontDoorDialect.ecr.claims(request) { return await ecr.respond(to: request, context: context) }
            return await ec2.respond(to: request, context: context)
        }
        return router
    }

    /// The router of the public registry port: ECR Public's `/v2/` with its Bearer challenge and token endpoint
    /// (no AWS APIs: those stay on the main port).
    static func makePublicRegistryRouter(registry: RegistryService, scheme: String, stores: ServerStores,
                                         metrics: PrometheusCollectorRegistry, collection: GarbageCollection) -> Router<TesseraRequestContext> {
        let router = makeBaseRouter(metrics: metrics)
        router.add(middleware: FreeSpaceMiddleware(space: stores.freeSpace, collection: collection))
        registerHealth(on: router)
        OCIAPI(service: registry, endpoint: .publicRegistry(scheme: scheme)).register(on: router)
        OCITokenEndpoint.register(on: router, service: registry)
        return router
    }

    /// A router with what every port's requests go through first: a request id, their metrics, and the answer
    /// to `Expect: 100-continue`.
    static func makeBaseRouter(metrics: PrometheusCollectorRegistry) -> Router<TesseraRequestContext> {
        let router = Router(context: TesseraRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestMetricsMiddleware(registry: metrics))
        router.add(middleware: ExpectContinueMiddleware())
        return router
    }

    /// `GET /health`: 200 `ok` while the server runs (on each port).
    static func registerHealth(on router: Router<TesseraRequestContext>) {
        router.get("/health") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
    }

    static func registryService(_ configuration: ServerConfiguration, _ stores: ServerStores) -> RegistryService {
        RegistryService(metadata: stores.metadata, blobs: stores.blobs, tokens: RegistryTokens(key: stores.registryTokenKey),
                        uploadExpiry: configuration.uploadExpiry, layerExpiry: configuration.layerExpiry)
    }
}
