import Foundation
import TesseraCore
import TesseraStorage

/// Which images a listing keeps, by tag status (`TAGGED`, `UNTAGGED`, `ANY`) and storage status.
public struct ImageListingFilter: Sendable, Equatable {
    public var tagStatus: String?
    public var imageStatus: String?

    public init(tagStatus: String? = nil, imageStatus: String? = nil) {
        self.tagStatus = tagStatus
        self.imageStatus = imageStatus
    }

    func check() throws(RegistryError) {
        if let tagStatus, !["TAGGED", "UNTAGGED", "ANY"].contains(tagStatus) {
            throw .invalidParameter(member: "filter.tagStatus", constraint: "must be one of TAGGED, UNTAGGED, ANY")
        }
        if let imageStatus, !["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"].contains(imageStatus) {
            throw .invalidParameter(member: "filter.imageStatus", constraint: "must be one of ACTIVE, ARCHIVED, ACTIVATING, ANY")
        }
    }

    func keeps(_ image: TaggedImage) -> Bool {
        switch tagStatus {
        case "TAGGED": if image.tags.isEmpty { return false }
        case "UNTAGGED": if !image.tags.isEmpty { return false }
        default: break
        }
        // ECR lists active images unless asked for others.
        let status = imageStatus ?? "ACTIVE"
        return status == "ANY" || image.image.status == status
    }
}

/// A page of images with their tags.
public struct ImagePage: Sendable {
    public var images: [TaggedImage]
    public var nextToken: String?
}

extension RegistryService {
    /// ListImages and DescribeImages without ids: images oldest first, `maxResults` (default 100) a page.
    public func listImages(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                           filter: ImageListingFilter, maxResults: Int?, nextToken: String?, action: String) async throws -> (RepositoryRecord, ImagePage) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: action)
        try filter.check()
        let limit = try PageToken.limit(maxResults, default: 100)
        let after = try nextToken.map { try ImagePageToken.decode($0).cursor }
        let page = try await registryStorage { try await metadata.listImages(repositoryID: record.id, after: after, inclusive: false, limit: limit) }
        let next = page.count == limit ? page.last.map { ImagePageToken.encode(ImageCursor($0.image), lastTag: nil) } : nil
        return (record, ImagePage(images: page.filter(filter.keeps), nextToken: next))
    }

    /// ListImages: one entry per tag (an untagged image is one entry by digest), `maxResults` (default 100)
    /// entries a page; a page may end inside an image's tags, and the next starts after the last tag listed.
    public func listImageIDs(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                             filter: ImageListingFilter, maxResults: Int?, nextToken: String?) async throws -> (ids: [ImageIdentifier], nextToken: String?) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "ListImages")
        try filter.check()
        let limit = try PageToken.limit(maxResults, default: 100)
        var cursor: ImageCursor?
        var lastTag: String?
        if let nextToken { (cursor, lastTag) = try ImagePageToken.decode(nextToken) }
        var ids: [ImageIdentifier] = []
        while true {
            let page = try await registryStorage {
                try await metadata.listImages(repositoryID: record.id, after: cursor, inclusive: lastTag != nil, limit: limit + 1)
            }
            for image in page {
                var tags = image.tags
                if let lastTag, cursor?.digest == image.image.digest { tags = tags.filter { $0 > lastTag } }
                let entries = !filter.keeps(image) ? []
                    : image.tags.isEmpty ? [ImageIdentifier(digest: image.image.digest)]
                    : tags.map { ImageIdentifier(digest: image.image.digest, tag: $0) }
                let room = limit - ids.count
                if entries.count > room {
                    ids += entries.prefix(room)
                    return (ids, ImagePageToken.encode(ImageCursor(image.image), lastTag: ids.last?.tag))
                }
                ids += entries
                (cursor, lastTag) = (ImageCursor(image.image), nil)
                if ids.count == limit {
                    let more = image.image.digest != page.last?.image.digest || page.count > limit
                    return (ids, more ? ImagePageToken.encode(ImageCursor(image.image), lastTag: nil) : nil)
                }
            }
            if page.count <= limit { return (ids, nil) }
        }
    }

    /// DescribeImages with ids: every one must exist, else the whole call fails with ImageNotFound.
    public func describeImages(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                               ids: [ImageIdentifier]) async throws -> (RepositoryRecord, [TaggedImage]) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "DescribeImages")
        try Self.checkBatch(ids)
        var found: [TaggedImage] = []
        for id in ids {
            switch try await resolve(id, in: record) {
            case .success(let image):
                if !found.contains(where: { $0.image.digest == image.image.digest }) { found.append(image) }
            case .failure(let failure):
                if failure.code == .invalidImageDigest { throw RegistryError.invalidDigest(id.digest ?? "") }
                throw RegistryError.imageNotFound(id, repositoryName: name, registryID: record.accountID)
            }
        }
        return (record, found)
    }
}
