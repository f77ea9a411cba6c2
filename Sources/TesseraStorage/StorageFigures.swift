/// What the metadata says about the store as a whole, for the operator's gauges: transfers in progress per
/// service, and the bytes records name (so that, beside the bytes stored, the saving from storing each blob
/// once shows).
public struct StorageFigures: Sendable, Equatable {
    /// Open Glacier multipart uploads.
    public var glacierUploads: Int
    /// EBS snapshots still pending (accepting blocks).
    public var pendingSnapshots: Int
    /// Open container layer uploads (the ECR layer API and `/v2/` blob uploads alike).
    public var layerUploads: Int
    /// Bytes of live Glacier archives.
    public var archiveBytes: Int64
    /// Bytes of the blocks live snapshots wrote themselves (512 KiB each; inherited blocks not counted again).
    public var snapshotBlockBytes: Int64
    /// Bytes of registry blobs, once per repository that links them.
    public var registryBlobBytes: Int64

    public init(glacierUploads: Int, pendingSnapshots: Int, layerUploads: Int, archiveBytes: Int64,
                snapshotBlockBytes: Int64, registryBlobBytes: Int64) {
        self.glacierUploads = glacierUploads
        self.pendingSnapshots = pendingSnapshots
        self.layerUploads = layerUploads
        self.archiveBytes = archiveBytes
        self.snapshotBlockBytes = snapshotBlockBytes
        self.registryBlobBytes = registryBlobBytes
    }
}
