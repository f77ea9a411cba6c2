import Foundation

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/ALG/HEX`), as skopeo, buildah, oras and
/// `docker buildx --output type=oci` write it.
public struct OCIImageLayout: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// A descriptor: what a manifest or index says about the blob it points to.
    public struct Descriptor: Sendable, Equatable {
        public let mediaType: String?
        public let digest: String
        public let size: Int64
        public let annotations: [String: String]

        init?(_ object: Any?) {
            guard let object = object as? [String: Any], let digest = object["digest"] as? String,
                  let size = (object["size"] as? NSNumber)?.int64Value else { return nil }
            self.mediaType = object["mediaType"] as? String
            self.digest = digest
            self.size = size
            self.annotations = object["annotations"] as? [String: String] ?? [:]
        }
    }

    /// A manifest's bytes and what it points to: an index's child manifests, or an image's config and layers.
    public struct Manifest: Sendable {
        public let bytes: Data
        public let mediaType: String?
        public let children: [Descriptor]
        public let blobs: [Descriptor]

        public init(bytes: Data, mediaType fallback: String?) throws {
            guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
                throw OCILayoutError.invalid("a manifest is not a JSON object")
            }
            self.bytes = bytes
            let children = (object["manifests"] as? [Any] ?? []).compactMap(Descriptor.init)
            let isIndex = object["manifests"] != nil
            self.mediaType = object["mediaType"] as? String ?? fallback
                ?? (isIndex ? ECRManifestMediaTypes.ociIndex : ECRManifestMediaTypes.ociManifest)
            self.children = children
            self.blobs = isIndex ? [] : ([Descriptor(object["config"])].compactMap { $0 }
                + (object["layers"] as? [Any] ?? []).compactMap(Descriptor.init))
        }

        public var isIndex: Bool { ECRManifestMediaTypes.isIndex(mediaType) || !children.isEmpty }
    }

    /// Where a blob lives; only `sha256:` and `sha512:` digests of the right length are accepted.
    public func blobURL(_ digest: String) throws -> URL {
        let parts = digest.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let length = ["sha256": 64, "sha512": 128][parts[0]], parts[1].count == length,
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw OCILayoutError.invalid("unsupported digest \(digest)")
        }
        return directory.appendingPathComponent("blobs/\(parts[0])/\(parts[1])")
    }

    /// The manifest `index.json` names `tag` (`org.opencontainers.image.ref.name`); with no tag, the only one.
    public func root(tag: String?) throws -> Descriptor {
        let url = directory.appendingPathComponent("index.json")
        guard let data = try? Data(contentsOf: url) else {
            throw OCILayoutError.invalid("\(directory.path) is not an OCI image layout: it has no index.json")
        }
        let index = try Manifest(bytes: data, mediaType: ECRManifestMediaTypes.ociIndex)
        if let tag, let named = index.children.first(where: { $0.annotations["org.opencontainers.image.ref.name"] == tag }) {
            return named
        }
        guard index.children.count == 1, let only = index.children.first else {
            let names = index.children.compactMap { $0.annotations["org.opencontainers.image.ref.name"] }
            throw OCILayoutError.invalid("the layout holds \(index.children.count) images (\(names.joined(separator: ", "))): "
                + "name one as LAYOUT:TAG")
        }
        return only
    }

    public func manifest(_ descriptor: Descriptor) throws -> Manifest {
        let data = try Data(contentsOf: try blobURL(descriptor.digest))
        return try Manifest(bytes: data, mediaType: descriptor.mediaType)
    }

    /// Writes `oci-layout` and an `index.json` naming `root` as `tag`.
    public func writeIndex(root: Descriptor, tag: String?) throws {
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: directory.appendingPathComponent("oci-layout"))
        var descriptor: [String: Any] = ["digest": root.digest, "size": root.size]
        if let mediaType = root.mediaType { descriptor["mediaType"] = mediaType }
        if let tag { descriptor["annotations"] = ["org.opencontainers.image.ref.name": tag] }
        let index: [String: Any] = ["schemaVersion": 2, "mediaType": ECRManifestMediaTypes.ociIndex, "manifests": [descriptor]]
        try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys, .withoutEscapingSlashes])
            .write(to: directory.appendingPathComponent("index.json"))
    }
}

public enum OCILayoutError: Error, Sendable, CustomStringConvertible {
    case invalid(String)
    case digestMismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .invalid(let text): text
        case .digestMismatch(let expected, let actual): "blob \(expected) has content \(actual): the layout or the transfer is corrupt"
        }
    }
}
