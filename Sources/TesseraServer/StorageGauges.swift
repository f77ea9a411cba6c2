import Prometheus
import TesseraBlobStoreFileSystem
import TesseraEngine
import TesseraStorage

/// The operator's gauges of the store: transfers in progress by service and logical bytes by service (from
/// the metadata, read at each scrape), and the blobs and bytes physically stored (from each garbage
/// collection sweep, which lists them anyway).
struct StorageGauges: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Sets the gauges the metadata answers; called before `/metrics` is written.
    func update(_ figures: StorageFigures) {
        let uploads = MetricNameDescriptor(namespace: "tessera", metricName: "uploads_in_progress", unitName: "",
                                           helpText: "Transfers started and not finished: Glacier multipart uploads, pending EBS snapshots, container layer uploads.")
        registry.makeGauge(descriptor: uploads, labels: [("service", "glacier")]).set(Double(figures.glacierUploads))
        registry.makeGauge(descriptor: uploads, labels: [("service", "ebs")]).set(Double(figures.pendingSnapshots))
        registry.makeGauge(descriptor: uploads, labels: [("service", "registry")]).set(Double(figures.layerUploads))
        let logical = MetricNameDescriptor(namespace: "tessera", metricName: "logical", unitName: "bytes",
                                           helpText: "Bytes the records name: live archives, the blocks live snapshots wrote, registry blobs once per repository linking them.")
        registry.makeGauge(descriptor: logical, labels: [("service", "glacier")]).set(Double(figures.archiveBytes))
        registry.makeGauge(descriptor: logical, labels: [("service", "ebs")]).set(Double(figures.snapshotBlockBytes))
        registry.makeGauge(descriptor: logical, labels: [("service", "registry")]).set(Double(figures.registryBlobBytes))
    }

    /// Sets the stored-blob gauges from a sweep's count of what it kept.
    func update(_ sweep: GarbageCollector.Sweep) {
        registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "tessera", metricName: "stored_blobs", unitName: "",
            helpText: "Blobs in the store after the last garbage collection sweep.")).set(Double(sweep.keptBlobs))
        registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "tessera", metricName: "stored", unitName: "bytes",
            helpText: "Bytes of the blobs in the store after the last garbage collection sweep; logical bytes over this is the saving from storing each blob once.")).set(Double(sweep.keptBytes))
    }

    /// The data directory's free space and the floor below which new data is refused.
    func update(_ space: FreeSpaceFloor) {
        registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "tessera", metricName: "disk_free", unitName: "bytes",
            helpText: "Bytes free for writing on the data directory's file system.")).set(Double(space.available() ?? -1))
        registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "tessera", metricName: "disk_free_floor", unitName: "bytes",
            helpText: "The free-space floor (--min-free-space): below it, requests that store data are refused.")).set(Double(space.floor))
    }
}
