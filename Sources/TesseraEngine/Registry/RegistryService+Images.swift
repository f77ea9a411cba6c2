import Crypto
import Foundation
import TesseraCore
import TesseraStorage

extension RegistryService {
    /// The longest manifest accepted (the models' `ImageManifest` maximum, 4 MiB).
    public static let maximumManifestLength = 4_194_304

    /// PutImage: stores the manifest byte for byte under the SHA-256 of its bytes, once everything it names
    /// is in this repository, and points `tag` at it as the repository's tag mutability allows.
    public func putImage(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String, manifest: String,
                         mediaType: String?, tag: String?, digest: String?) async throws -> (image: ImageRecord, repository: RepositoryRecord) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "PutImage")
        return (try await storeImage(record, manifest: manifest, mediaType: mediaType, tag: tag, digest: digest), record)
    }

    /// Stores a manifest in `record` (see ``putImage``). `digest`, when given, must be the manifest's digest;
    /// a `sha512:` one stores the image under its SHA-512 (the OCI door allows either), otherwise the SHA-256.
    public func storeImage(_ record: RepositoryRecord, manifest: String, mediaType: String?, tag: String?,
                           digest: String?) async throws -> ImageRecord {
        guard (1...Self.maximumManifestLength).contains(manifest.utf8.count) else {
            throw RegistryError.invalidParameter(member: "imageManifest", constraint: "must have length between 1 and \(Self.maximumManifestLength)")
        }
        if let tag { try Self.checkTag(tag) }
        let parsed = try ImageManifest(manifest, declaredMediaType: mediaType)
        let bytes = Array(manifest.utf8)
        var computed = ContentDigest(sha256: SHA256Value.of(bytes))
        if let digest {
            if ContentDigest(digest)?.algorithm == .sha512 { computed = ContentDigest(algorithm: .sha512, hex: Hex.encode(SHA512.hash(data: bytes))) }
            guard digest == computed.string else { throw RegistryError.imageDigestMismatch(given: digest, computed: computed.string, repositoryName: record.name, registryID: record.accountID) }
        }
        let required = parsed.requiredBlobs.map(\.digest.string)
        let linked = try await registryStorage { try await metadata.linkedBlobs(repositoryID: record.id, digests: required) }
        let missing = Set(required).subtracting(linked.map(\.digest))
        guard missing.isEmpty else {
            throw RegistryError.layersNotFound(digests: missing.sorted(), registryID: record.accountID, repositoryName: record.name)
        }
        // A manifest list's size is the largest of its images' (the model's `imageSizeInBytes`).
        var size = parsed.imageSize ?? 0
        var missingImages: [String] = []
        for listed in parsed.listedManifests {
            if let child = try await registryStorage({ try await metadata.image(repositoryID: record.id, digest: listed.digest.string) }) {
                size = max(size, child.size)
            } else {
                missingImages.append(listed.digest.string)
            }
        }
        guard missingImages.isEmpty else { throw RegistryError.referencedImagesNotFound(digests: missingImages) }
        let references = parsed.requiredBlobs.map { ImageReference(digest: $0.digest.string, kind: .blob, mediaType: $0.mediaType) }
            + parsed.listedManifests.map { ImageReference(digest: $0.digest.string, kind: .manifest, mediaType: $0.mediaType) }
        let image = ImageRecord(repositoryID: record.id, digest: computed.string, manifest: manifest, mediaType: parsed.mediaType,
                                artifactMediaType: parsed.configMediaType, artifactType: parsed.artifactType,
                                subject: parsed.subject?.digest.string, size: size, pushedAt: now, references: references)
        let mayMove = tag.map { tagMutability(of: record).allowsMoving($0) } ?? true
        let outcome = try await registryStorage { try await metadata.putImage(image, tag: tag, mayMoveTag: mayMove) }
        switch outcome {
        case .stored: return image
        case .alreadyExists:
            throw RegistryError.imageAlreadyExists(digest: computed.string, tag: tag, repositoryName: record.name, registryID: record.accountID)
        case .tagHeld(let other): throw RegistryError.imageTagAlreadyExists(tag: tag ?? "", repositoryName: record.name, heldBy: other)
        case .blobsMissing(let digests):
            throw RegistryError.layersNotFound(digests: digests, registryID: record.accountID, repositoryName: record.name)
        }
    }

    /// Tags: 1–300 characters (the models' `ImageTag`), none of them a control character or whitespace.
    static func checkTag(_ tag: String) throws(RegistryError) {
        guard (1...300).contains(tag.count) else {
            throw .invalidParameter(member: "imageTag", constraint: "must have length between 1 and 300")
        }
        guard !tag.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
            throw .invalidParameter(member: "imageTag", constraint: "must not contain whitespace or control characters")
        }
    }

    /// Resolves an image identifier in a repository: the image, or why not.
    func resolve(_ id: ImageIdentifier, in record: RepositoryRecord) async throws -> Result<TaggedImage, ImageFailure> {
        var digest = id.digest
        if let given = digest, ContentDigest(given) == nil {
            return .failure(ImageFailure(id, .invalidImageDigest, "Invalid image digest"))
        }
        if let tag = id.tag {
            guard (1...300).contains(tag.count) else { return .failure(ImageFailure(id, .invalidImageTag, "Invalid image tag")) }
            let target = try await registryStorage { try await metadata.taggedDigest(repositoryID: record.id, tag: tag) }
            guard let target else { return .failure(ImageFailure(id, .imageNotFound, "Requested image not found")) }
            if let digest, digest != target {
                return .failure(ImageFailure(id, .imageTagDoesNotMatchDigest, "Invalid image tag and digest pair"))
            }
            digest = target
        }
        guard let digest else { return .failure(ImageFailure(id, .missingDigestAndTag, "Invalid request parameters: both tag and digest cannot be null")) }
        guard let image = try await registryStorage({ try await metadata.image(repositoryID: record.id, digest: digest) }) else {
            return .failure(ImageFailure(id, .imageNotFound, "Requested image not found"))
        }
        let tags = try await registryStorage { try await metadata.tags(repositoryID: record.id, digests: [digest]) }
        return .success(TaggedImage(image: image, tags: tags[digest] ?? []))
    }

    /// BatchGetImage: each image with the tag it was asked by, or its failure. Records the pull.
    public func batchGetImage(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String, ids: [ImageIdentifier],
                              acceptedMediaTypes: [String]?) async throws -> (images: [(ImageRecord, ImageIdentifier)], failures: [ImageFailure]) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "BatchGetImage")
        try Self.checkBatch(ids)
        var images: [(ImageRecord, ImageIdentifier)] = []
        var failures: [ImageFailure] = []
        for id in ids {
            switch try await resolve(id, in: record) {
            case .failure(let failure): failures.append(failure)
            case .success(let found):
                if found.image.status == "ARCHIVED" {
                    failures.append(ImageFailure(id, .imageInaccessible,
                                                 "The image is archived; restore it with UpdateImageStorageClass before pulling it"))
                    continue
                }
                if let accepted = acceptedMediaTypes, !accepted.contains(where: { ImageManifest.sameType($0, found.image.mediaType) }) {
                    failures.append(ImageFailure(id, .unsupportedImageType,
                                                 "The image's media type \(found.image.mediaType) is not among the accepted media types"))
                    continue
                }
                try await registryStorage { try await metadata.recordPull(repositoryID: record.id, digest: found.image.digest, at: now) }
                images.append((found.image, ImageIdentifier(digest: found.image.digest, tag: id.tag)))
            }
        }
        return (images, failures)
    }

    /// BatchDeleteImage: by tag removes the tag (the image goes with its last tag); by digest removes the
    /// image and all its tags, unless an index in the repository lists it.
    public func batchDeleteImage(_ caller: RegistryCaller, registryID: String?, _ registry: RegistryKind, name: String,
                                 ids: [ImageIdentifier]) async throws -> (deleted: [ImageIdentifier], failures: [ImageFailure]) {
        let record = try await repository(caller, registryID: registryID, registry, name, action: "BatchDeleteImage")
        try Self.checkBatch(ids)
        var deleted: [ImageIdentifier] = []
        var failures: [ImageFailure] = []
        for id in ids {
            if id.digest == nil, let tag = id.tag {
                if let digest = try await registryStorage({ try await metadata.deleteTag(repositoryID: record.id, tag: tag) }) {
                    deleted.append(ImageIdentifier(digest: digest, tag: tag))
                } else {
                    failures.append(ImageFailure(id, .imageNotFound, "Requested image not found"))
                }
                continue
            }
            let found: TaggedImage
            switch try await resolve(id, in: record) {
            case .failure(let failure): failures.append(failure); continue
            case .success(let image): found = image
            }
            switch try await registryStorage({ try await metadata.deleteImage(repositoryID: record.id, digest: found.image.digest) }) {
            case .deleted(let tags):
                deleted += tags.isEmpty ? [ImageIdentifier(digest: found.image.digest)] : tags.map { ImageIdentifier(digest: found.image.digest, tag: $0) }
            case .notFound:
                failures.append(ImageFailure(id, .imageNotFound, "Requested image not found"))
            case .referencedByIndex(let indexes):
                failures.append(ImageFailure(id, .imageReferencedByManifestList,
                                             "Requested image referenced by manifest list: [\(indexes.joined(separator: ", "))]"))
            }
        }
        return (deleted, failures)
    }

    static func checkBatch(_ ids: [ImageIdentifier]) throws(RegistryError) {
        guard (1...100).contains(ids.count) else {
            throw .invalidParameter(member: "imageIds", constraint: "must have between 1 and 100 members")
        }
    }
}
