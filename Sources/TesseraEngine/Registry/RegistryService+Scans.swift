import Foundation
import TesseraStorage

extension RegistryService {
    /// What a scan here concludes: this registry has no vulnerability database, so it never claims an image
    /// is clean; it says so instead of reporting findings.
    public static let scanStatus = "FAILED"
    public static let scanDescription = "This registry has no vulnerability database: the image was not scanned and no findings exist."

    /// StartImageScan: records the scan's outcome at once.
    public func startImageScan(_ caller: RegistryCaller, registryID: String?, name: String,
                               id: ImageIdentifier) async throws -> (RepositoryRecord, TaggedImage, ImageScanRecord) {
        let record = try await ownRepository(caller, registryID: registryID, .private, name, action: "StartImageScan")
        let image = try await requireImage(id, in: record)
        guard image.image.status != "ARCHIVED" else { throw RegistryError.imageArchived(digest: image.image.digest) }
        let scan = ImageScanRecord(repositoryID: record.id, digest: image.image.digest, status: Self.scanStatus,
                                   description: Self.scanDescription, completedAt: now)
        try await registryStorage { try await metadata.recordScan(scan) }
        return (record, image, scan)
    }

    /// DescribeImageScanFindings: the recorded scan of an image.
    public func imageScan(_ caller: RegistryCaller, registryID: String?, name: String,
                          id: ImageIdentifier) async throws -> (RepositoryRecord, TaggedImage, ImageScanRecord) {
        let record = try await repository(caller, registryID: registryID, .private, name, action: "DescribeImageScanFindings")
        let image = try await requireImage(id, in: record)
        guard let scan = try await registryStorage({ try await metadata.scans(repositoryID: record.id, digests: [image.image.digest]) })[image.image.digest] else {
            throw RegistryError.scanNotFound(digest: image.image.digest, repositoryName: name)
        }
        return (record, image, scan)
    }

    /// The recorded scans of images, by digest.
    public func scanStatuses(repositoryID: String, digests: [String]) async throws -> [String: ImageScanRecord] {
        try await registryStorage { try await metadata.scans(repositoryID: repositoryID, digests: digests) }
    }

    /// An image that must exist.
    func requireImage(_ id: ImageIdentifier, in record: RepositoryRecord) async throws -> TaggedImage {
        switch try await resolve(id, in: record) {
        case .success(let image): return image
        case .failure(let failure):
            if failure.code == .invalidImageDigest { throw RegistryError.invalidDigest(id.digest ?? "") }
            throw RegistryError.imageNotFound(id, repositoryName: record.name, registryID: record.accountID)
        }
    }
}
