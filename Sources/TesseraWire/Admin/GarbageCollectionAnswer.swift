/// The answer of `POST /admin/gc` (Tessera's own operation, docs/operating.md#disk-space), as the server writes
/// it and `tessera gc` reads it.
public struct GarbageCollectionAnswer: Codable, Sendable {
    public var examinedBlobs: Int
    public var deletedBlobs: Int
    public var freedBytes: Int64
    public var keptBlobs: Int
    public var keptBytes: Int64
    public var expiredUploads: Int
    public var graceSeconds: Double
    /// The data directory's free space after the sweep; nil when the file system cannot say.
    public var freeBytes: Int64?
    public var freeSpaceFloorBytes: Int64

    public init(examinedBlobs: Int, deletedBlobs: Int, freedBytes: Int64, keptBlobs: Int, keptBytes: Int64,
                expiredUploads: Int, graceSeconds: Double, freeBytes: Int64?, freeSpaceFloorBytes: Int64) {
        self.examinedBlobs = examinedBlobs
        self.deletedBlobs = deletedBlobs
        self.freedBytes = freedBytes
        self.keptBlobs = keptBlobs
        self.keptBytes = keptBytes
        self.expiredUploads = expiredUploads
        self.graceSeconds = graceSeconds
        self.freeBytes = freeBytes
        self.freeSpaceFloorBytes = freeSpaceFloorBytes
    }
}
