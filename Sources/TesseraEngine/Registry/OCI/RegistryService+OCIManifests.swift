import Foundation
import TesseraCore
import TesseraStorage

/// A manifest as the OCI door serves it.
public struct ServedManifest: Sendable {
    public let image: ImageRecord
    public var bytes: [UInt8] { Array(image.manifest.utf8) }
}

/// An entry of the referrers API: a manifest whose `subject` is the digest asked about.
public struct Referrer: Sendable, Equatable {
    public let mediaType: String
    public let digest: String
    /// The manifest's length in bytes.
    public let size: Int64
    /// The manifest's `artifactType`, else its config's media type (OCI distribution spec, "Listing Referrers").
    public let artifactType: String?
    public let annotations: [String: String]
}

extension RegistryService {
    /// Stores a manifest pushed by tag or by digest (`PUT /v2/NAME/manifests/REFERENCE`). Pushing the same
    /// manifest again is not an error on this door.
    public func putManifest(_ record: RepositoryRecord, reference: String, manifest: String, contentType: String?) async throws -> ImageRecord {
        let digest = ContentDigest.parse(reference)
        if case .unsupported = digest { throw RegistryError.invalidDigest(reference) }
        var tag: String?
        var given: String?
        if case .digest(let value) = digest { given = value.string } else { tag = reference }
        if let tag { try Self.checkOCITag(tag) }
        do {
            return try await storeImage(record, manifest: manifest, mediaType: contentType, tag: tag, digest: given)
        } catch RegistryError.imageAlreadyExists {
            guard let stored = try await self.manifest(record, reference: given ?? tag ?? reference) else { throw RegistryError.storageFailure("manifest vanished") }
            return stored.image
        }
    }

    /// A manifest by tag or digest (`GET`/`HEAD /v2/NAME/manifests/REFERENCE`).
    public func manifest(_ record: RepositoryRecord, reference: String) async throws -> ServedManifest? {
        var digest = reference
        if ContentDigest(reference) == nil {
            guard let tagged = try await registryStorage({ try await metadata.taggedDigest(repositoryID: record.id, tag: reference) }) else { return nil }
            digest = tagged
        }
        return try await registryStorage { try await metadata.image(repositoryID: record.id, digest: digest) }.map(ServedManifest.init)
    }

    /// Deletes a manifest by digest (the image and its tags) or a tag alone (`DELETE /v2/NAME/manifests/REFERENCE`).
    /// - Returns: false when there was no such manifest or tag.
    public func deleteManifest(_ record: RepositoryRecord, reference: String) async throws -> Bool {
        guard ContentDigest(reference) != nil else {
            return try await registryStorage { try await metadata.deleteTagOnly(repositoryID: record.id, tag: reference) }
        }
        switch try await registryStorage({ try await metadata.deleteImage(repositoryID: record.id, digest: reference) }) {
        case .deleted: return true
        case .notFound: return false
        case .referencedByIndex(let indexes):
            throw RegistryError.imageReferencedByIndex(digest: reference, indexes: indexes)
        }
    }

    /// A page of the repository's tags, sorted (`GET /v2/NAME/tags/list?n=&last=`).
    public func tags(_ record: RepositoryRecord, last: String?, limit: Int) async throws -> [String] {
        try await registryStorage { try await metadata.listTags(repositoryID: record.id, after: last, limit: limit) }
    }

    /// The manifests whose subject is `digest`, optionally of one artifact type (`GET /v2/NAME/referrers/DIGEST`).
    public func referrers(_ record: RepositoryRecord, subject digest: ContentDigest, artifactType: String?) async throws -> [Referrer] {
        let images = try await registryStorage { try await metadata.referrers(repositoryID: record.id, subject: digest.string) }
        return images.map { image in
            let annotations = (try? JSONDecoder().decode(AnnotatedManifest.self, from: Data(image.manifest.utf8)))?.annotations ?? [:]
            return Referrer(mediaType: image.mediaType, digest: image.digest, size: Int64(image.manifest.utf8.count),
                            artifactType: image.artifactType ?? image.artifactMediaType, annotations: annotations)
        }.filter { artifactType == nil || $0.artifactType == artifactType }
    }

    /// Tags as the distribution spec allows them: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
    static func checkOCITag(_ tag: String) throws(RegistryError) {
        let bytes = Array(tag.utf8)
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
        guard let first = bytes.first, isWord(first), bytes.count <= 128,
              bytes.allSatisfy({ isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw .invalidTag("The tag '\(tag)' must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")
        }
    }
}

/// The one member of a manifest the referrers API copies.
private struct AnnotatedManifest: Decodable {
    var annotations: [String: String]?
}

extension RegistryService {
    /// Notes that a manifest was pulled (DescribeImages' `lastRecordedPullTime`; lifecycle's `sinceImagePulled`).
    public func recordPull(_ record: RepositoryRecord, digest: String) async throws {
        try await registryStorage { try await metadata.recordPull(repositoryID: record.id, digest: digest, at: now) }
    }

    /// Who a registry password belongs to (HTTP Basic `AWS:<password>` on the OCI door), if it is genuine and current.
    public func principal(forPassword password: String) -> RegistryPrincipal? {
        tokens.account(forPassword: password, now: now).map(RegistryPrincipal.account)
    }
}
