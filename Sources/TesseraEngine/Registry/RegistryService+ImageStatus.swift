import Foundation
import TesseraCore
import TesseraStorage

extension RegistryService {
    /// One image that must exist, for calls about a single image.
    public func image(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String, id: ImageIdentifier,
                      action: String) async throws -> (RepositoryRecord, TaggedImage) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: action)
        return (record, try await requireImage(id, in: record))
    }

    /// UpdateImageStorageClass: `ARCHIVE` archives an image, `STANDARD` restores an archived one (at once: the
    /// bytes never left this server).
    public func updateImageStorageClass(_ caller: RegistryCaller, registryID: String?, name: String, id: ImageIdentifier,
                                        target: String) async throws -> (RepositoryRecord, TaggedImage, String) {
        guard ["STANDARD", "ARCHIVE"].contains(target) else {
            throw RegistryError.invalidParameter(member: "targetStorageClass", constraint: "must be one of STANDARD, ARCHIVE")
        }
        let (record, image) = try await self.image(caller, registryID: registryID, .private, name: name, id: id,
                                                    action: "UpdateImageStorageClass")
        let status = target == "ARCHIVE" ? "ARCHIVED" : "ACTIVE"
        _ = try await registryStorage { try await metadata.setImageStatus(repositoryID: record.id, digest: image.image.digest, status: status, at: now) }
        return (record, try await requireImage(ImageIdentifier(digest: image.image.digest), in: record), status)
    }

    /// ListImageReferrers: the images whose `subject` is `subject`, filtered by artifact type and status.
    public func listImageReferrers(_ caller: RegistryCaller, registryID: String?, name: String, subject: String,
                                   artifactTypes: [String]?, status: String?) async throws -> (RepositoryRecord, [ImageRecord]) {
        let record = try await repository(caller, registryID: registryID, .private, name, action: "ListImageReferrers")
        guard ContentDigest(subject) != nil else { throw RegistryError.invalidDigest(subject) }
        let wanted = status ?? "ACTIVE"
        let referrers = try await registryStorage { try await metadata.referrers(repositoryID: record.id, subject: subject) }
        return (record, referrers.filter { image in
            (wanted == "ANY" || image.status == wanted)
                && (artifactTypes?.isEmpty ?? true || artifactTypes?.contains(image.artifactType ?? image.artifactMediaType ?? "") == true)
        })
    }
}
