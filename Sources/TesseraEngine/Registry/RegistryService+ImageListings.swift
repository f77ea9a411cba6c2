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
        let after = try nextToken.map { try PageToken.decode($0) }
        let page: [TaggedImage]
        do {
            page = try await metadata.listImages(repositoryID: record.id, after: after, limit: limit)
        } catch StorageError.notFound {
            throw RegistryError.invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
        } catch let error as StorageError {
            throw RegistryError.storageFailure(error.description)
        }
        let next = page.count == limit ? page.last.map { PageToken.encode($0.image.digest) } : nil
        return (record, ImagePage(images: page.filter(filter.keeps), nextToken: next))
    }

    /// ListImages: one entry per tag (an untagged image is one entry by digest), `maxResults` (default 100)
    /// entries a page; a page may end inside an image's tags.
    public func listImageIDs(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                             filter: ImageListingFilter, maxResults: Int?, nextToken: String?) async throws -> (ids: [ImageIdentifier], nextToken: String?) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "ListImages")
        try filter.check()
        let limit = try PageToken.limit(maxResults, default: 100)
        // A token is the digest of the image the page starts after ("" for the first), and how many entries of
        // the next image were already listed.
        var (after, skip) = (String?.none, 0)
        if let nextToken {
            let key = try PageToken.decode(nextToken)
            let pieces = key.split(separator: " ", omittingEmptySubsequences: false)
            guard pieces.count == 2, let count = Int(pieces[1]), count >= 0 else {
                throw RegistryError.invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
            }
            (after, skip) = (pieces[0].isEmpty ? nil : String(pieces[0]), count)
        }
        var ids: [ImageIdentifier] = []
        while true {
            let page: [TaggedImage]
            do {
                page = try await metadata.listImages(repositoryID: record.id, after: after, limit: limit + 1)
            } catch StorageError.notFound {
                throw RegistryError.invalidParameter(member: "nextToken", constraint: "must be a token returned by a previous call")
            } catch let error as StorageError {
                throw RegistryError.storageFailure(error.description)
            }
            for image in page {
                let entries = filter.keeps(image)
                    ? (image.tags.isEmpty ? [ImageIdentifier(digest: image.image.digest)] : image.tags.map { ImageIdentifier(digest: image.image.digest, tag: $0) })
                    : []
                let remaining = Array(entries.dropFirst(skip))
                let room = limit - ids.count
                if remaining.count > room {
                    ids += remaining.prefix(room)
                    return (ids, PageToken.encode("\(after ?? "") \(skip + room)"))
                }
                ids += remaining
                (after, skip) = (image.image.digest, 0)
                if ids.count == limit {
                    return (ids, image.image.digest == page.last?.image.digest && page.count <= limit ? nil : PageToken.encode("\(after ?? "") 0"))
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
