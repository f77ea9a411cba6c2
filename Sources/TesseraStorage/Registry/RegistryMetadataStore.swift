import Foundation
import TesseraCore

/// Repositories, their settings documents and resource tags.
public protocol RepositoryMetadata: Sendable {
    /// Inserts a repository; returns false (and changes nothing) when the name is taken in that registry.
    func createRepository(_ repository: RepositoryRecord, tags: [RepositoryTag]) async throws -> Bool
    func repository(accountID: String, registry: RegistryKind, name: String) async throws -> RepositoryRecord?
    /// Repositories of a registry sorted by name (byte order), from `fromName` (inclusive), at most `limit`.
    func listRepositories(accountID: String, registry: RegistryKind, fromName: String?, limit: Int) async throws -> [RepositoryRecord]
    /// Deletes a repository with everything in it; unless `force`, only when it holds no image.
    /// - Returns: false when it holds images and `force` is false (nothing changed).
    /// - Throws: ``StorageError/notFound(_:)`` when it does not exist.
    func deleteRepository(id: String, force: Bool) async throws -> Bool
    /// Replaces the mutable settings of the record (mutability, exclusions, scan on push).
    func updateRepository(_ repository: RepositoryRecord) async throws
    func repositorySetting(repositoryID: String, kind: RepositorySettingKind) async throws -> String?
    /// Sets (or with nil, removes) a settings document. Returns the document it replaced.
    func setRepositorySetting(repositoryID: String, kind: RepositorySettingKind, json: String?) async throws -> String?
    /// Every repository (of any account) that has a settings document of `kind`, with the document.
    func repositories(withSetting kind: RepositorySettingKind) async throws -> [(RepositoryRecord, String)]
    /// Resource tags, by key.
    func repositoryTags(repositoryID: String) async throws -> [RepositoryTag]
    /// Adds or replaces tags, atomically, unless the repository would then hold more than `maxTags`.
    /// - Returns: false when it would (nothing changed).
    func tagRepository(repositoryID: String, tags: [RepositoryTag], maxTags: Int) async throws -> Bool
    func untagRepository(repositoryID: String, keys: [String]) async throws
    /// A registry-wide settings document (registry policy, scanning configuration, catalog data, …).
    func registrySetting(accountID: String, registry: RegistryKind, name: String) async throws -> String?
    /// Sets (or with nil, removes) a registry-wide settings document. Returns the document it replaced.
    func setRegistrySetting(accountID: String, registry: RegistryKind, name: String, json: String?) async throws -> String?
    /// Every registry-wide settings document of one kind prefix (`template:` …), by name.
    func registrySettings(accountID: String, registry: RegistryKind, prefix: String) async throws -> [(name: String, json: String)]
}

/// A repository's resource tag.
public struct RepositoryTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Layer uploads, and the blobs linked to repositories.
public protocol LayerUploadMetadata: Sendable {
    func insertLayerUpload(_ upload: LayerUploadRecord) async throws
    func layerUpload(id: String) async throws -> LayerUploadRecord?
    /// Records a part at the end of an open upload, atomically with the upload's new byte count and hash
    /// state, only if the upload is still open and has received exactly `part.firstByte` bytes.
    /// - Returns: false when it is not (nothing changed).
    func appendLayerPart(_ part: LayerPartRecord, hashState: [UInt8], at time: Date) async throws -> Bool
    /// Every part of an upload, in order.
    func layerParts(uploadID: String) async throws -> [LayerPartRecord]
    /// Completes an open upload that has received `receivedBytes` bytes into `blob`, linking the blob to the
    /// upload's repository, in one transaction.
    func completeLayerUpload(id: String, receivedBytes: Int64, blob: RegistryBlobRecord, mediaType: String?,
                             at time: Date) async throws -> CompleteLayerOutcome
    /// Drops an open upload with its parts; returns false when there was none.
    func cancelLayerUpload(id: String) async throws -> Bool
    /// Links a stored registry blob to a repository (a cross-repository mount); a link that exists stays.
    func linkBlob(repositoryID: String, digest: String, mediaType: String?, at time: Date) async throws
    /// Removes a blob's link to a repository unless an image there references the blob, in one statement.
    func unlinkBlob(repositoryID: String, digest: String) async throws -> UnlinkOutcome
    /// Drops open uploads not written to since `cutoff`, with their parts. Returns how many.
    func expireLayerUploads(updatedBefore cutoff: Date) async throws -> Int
    /// The blobs among `digests` linked to a repository.
    func linkedBlobs(repositoryID: String, digests: [String]) async throws -> [LinkedBlob]
    /// A registry blob's content, if stored.
    func registryBlob(digest: String) async throws -> RegistryBlobRecord?
    /// Drops links of blobs no image of their repository references, linked before `cutoff`. Returns how many.
    func expireUnreferencedLinks(linkedBefore cutoff: Date) async throws -> Int
}

/// What completing a layer upload did.
public enum CompleteLayerOutcome: Sendable, Equatable {
    /// The layer is now linked to the repository.
    case linked
    /// The repository already had the layer; the upload is consumed all the same.
    case alreadyLinked
    /// The upload is not open, or has received other bytes meanwhile: nothing changed.
    case uploadChanged
}

/// Images and tags.
public protocol ImageMetadata: Sendable {
    /// Stores an image, and points `tag` at it: moving the tag from another image only if `mayMoveTag`.
    func putImage(_ image: ImageRecord, tag: String?, mayMoveTag: Bool) async throws -> PutImageOutcome
    func image(repositoryID: String, digest: String) async throws -> ImageRecord?
    /// The digest a tag points at.
    func taggedDigest(repositoryID: String, tag: String) async throws -> String?
    /// Images with their tags, ordered by (pushed time, digest), after `cursor` (or from it, when `inclusive`), at most
    /// `limit`. The cursor is a position, not a row: the image it was taken from may be gone.
    func listImages(repositoryID: String, after cursor: ImageCursor?, inclusive: Bool, limit: Int) async throws -> [TaggedImage]
    /// Every tag of the repository, sorted (byte order), after `last`, at most `limit`.
    func listTags(repositoryID: String, after last: String?, limit: Int) async throws -> [String]
    /// The tags of images.
    func tags(repositoryID: String, digests: [String]) async throws -> [String: [String]]
    /// Every image's count and total size in a repository (for limits and listings).
    func imageCount(repositoryID: String) async throws -> Int
    /// Removes a tag and nothing else (the OCI door's tag deletion); returns false when there was no such tag.
    func deleteTagOnly(repositoryID: String, tag: String) async throws -> Bool
    /// Removes a tag; the image goes with its last tag unless an index lists it.
    /// - Returns: the digest it pointed at, or nil when there was no such tag.
    func deleteTag(repositoryID: String, tag: String) async throws -> String?
    /// Deletes an image and its tags, unless an index in the repository lists it.
    func deleteImage(repositoryID: String, digest: String) async throws -> DeleteImageOutcome
    /// Images whose manifest names `subject`.
    func referrers(repositoryID: String, subject: String) async throws -> [ImageRecord]
    /// Marks an image pulled now.
    func recordPull(repositoryID: String, digest: String, at time: Date) async throws
    /// Whether an image of the repository references the blob `digest` (as its config or a layer).
    func isReferenced(repositoryID: String, digest: String) async throws -> Bool
    /// For each image an index of the repository lists, the indexes that list it.
    func indexMembership(repositoryID: String) async throws -> [String: [String]]
    /// Records the outcome of an image scan (replacing an earlier one), if the image exists.
    func recordScan(_ scan: ImageScanRecord) async throws
    /// The recorded scans of images, by digest.
    func scans(repositoryID: String, digests: [String]) async throws -> [String: ImageScanRecord]
    /// Sets an image's storage status (`ACTIVE`, `ARCHIVED`), noting when it was archived or restored; returns
    /// false when there is no such image or it already has that status.
    func setImageStatus(repositoryID: String, digest: String, status: String, at time: Date) async throws -> Bool
}

/// Everything the registry service keeps.
public typealias RegistryMetadataStore = RepositoryMetadata & LayerUploadMetadata & ImageMetadata
