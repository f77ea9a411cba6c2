import Foundation
import TesseraCore

/// A pushed manifest, parsed and checked as a registry must before storing it: an image manifest (config and
/// layers) or an index (manifest list), with the OCI 1.1 `subject` and `artifactType`.
///
/// The manifest's own bytes are never rewritten: its digest is the SHA-256 of the text exactly as sent.
public struct ImageManifest: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case image(config: ManifestDescriptor, layers: [ManifestDescriptor])
        case index(manifests: [ManifestDescriptor])
    }

    public var mediaType: String
    public var kind: Kind
    public var subject: ManifestDescriptor?
    public var artifactType: String?

    /// Parses `text`, whose media type is its own `mediaType` member, else `declaredMediaType` (ECR's
    /// `imageManifestMediaType`, or the OCI door's `Content-Type`).
    /// - Throws: ``RegistryError/invalidManifest(_:)`` saying what is wrong.
    public init(_ text: String, declaredMediaType: String?) throws(RegistryError) {
        guard let json = PolicyJSON.parse(text) else { throw .invalidManifest("Invalid JSON syntax") }
        guard let object = json.objectValue else { throw .invalidManifest("The manifest must be a JSON object") }
        let own = object["mediaType"]?.stringValue
        if object["mediaType"] != nil && own == nil { throw .invalidManifest("mediaType must be a string") }
        if let own, let declaredMediaType, !Self.sameType(own, declaredMediaType) {
            throw .invalidManifest("The manifest's mediaType \(own) does not match the declared media type \(declaredMediaType)")
        }
        guard let mediaType = own ?? declaredMediaType.map(Self.bareType) else {
            throw .invalidManifest("The manifest has no mediaType and none was given")
        }
        guard ManifestMediaType.all.contains(mediaType) else { throw .invalidManifest("Unsupported manifest media type \(mediaType)") }
        guard case .integer(2) = object["schemaVersion"] else { throw .invalidManifest("schemaVersion must be 2") }
        self.mediaType = mediaType
        if ManifestMediaType.images.contains(mediaType) {
            guard object["manifests"] == nil else { throw .invalidManifest("An image manifest must not list manifests") }
            guard let config = object["config"] else { throw .invalidManifest("config is required") }
            let layers = try Self.descriptors(object["layers"], member: "layers", required: mediaType == ManifestMediaType.dockerManifest)
            let configDescriptor = try Self.descriptor(config, member: "config")
            guard Self.totalSize(configDescriptor, layers) != nil else {
                throw .invalidManifest("The sizes of config and layers add up to more than \(Int64.max) bytes")
            }
            kind = .image(config: configDescriptor, layers: layers)
        } else {
            guard object["config"] == nil && object["layers"] == nil else {
                throw .invalidManifest("An index must not have config or layers")
            }
            kind = .index(manifests: try Self.descriptors(object["manifests"], member: "manifests", required: true))
        }
        if let value = object["subject"] {
            subject = try Self.descriptor(value, member: "subject")
        } else {
            subject = nil
        }
        if let value = object["artifactType"] {
            guard let text = value.stringValue, !text.isEmpty else { throw .invalidManifest("artifactType must be a media type") }
            artifactType = text
        } else {
            artifactType = nil
        }
    }

    /// The blobs the repository must hold for this manifest to be stored: config and distributable layers.
    public var requiredBlobs: [ManifestDescriptor] {
        guard case .image(let config, let layers) = kind else { return [] }
        return [config] + layers.filter { !$0.isNonDistributable }
    }

    /// The manifests an index lists.
    public var listedManifests: [ManifestDescriptor] {
        guard case .index(let manifests) = kind else { return [] }
        return manifests
    }

    /// The config's media type (ECR's `artifactMediaType`).
    public var configMediaType: String? {
        guard case .image(let config, _) = kind else { return nil }
        return config.mediaType
    }

    /// The size ECR reports for an image manifest: config plus layers.
    public var imageSize: Int64? {
        guard case .image(let config, let layers) = kind else { return nil }
        return Self.totalSize(config, layers)
    }

    /// Config plus layers, or nil when the declared sizes add up to more than an `Int64` holds (which
    /// `init` refuses).
    static func totalSize(_ config: ManifestDescriptor, _ layers: [ManifestDescriptor]) -> Int64? {
        var total = config.size
        for layer in layers {
            let (sum, overflow) = total.addingReportingOverflow(layer.size)
            if overflow { return nil }
            total = sum
        }
        return total
    }

    static func descriptors(_ value: PolicyJSON?, member: String, required: Bool) throws(RegistryError) -> [ManifestDescriptor] {
        guard let value else {
            if required { throw .invalidManifest("\(member) is required") }
            return []
        }
        guard let elements = value.arrayValue else { throw .invalidManifest("\(member) must be an array") }
        var out: [ManifestDescriptor] = []
        for (index, element) in elements.enumerated() { out.append(try descriptor(element, member: "\(member)[\(index)]")) }
        return out
    }

    static func descriptor(_ value: PolicyJSON, member: String) throws(RegistryError) -> ManifestDescriptor {
        guard let object = value.objectValue else { throw .invalidManifest("\(member) must be a descriptor object") }
        guard let mediaType = object["mediaType"]?.stringValue, !mediaType.isEmpty else {
            throw .invalidManifest("\(member).mediaType is required")
        }
        guard let digestText = object["digest"]?.stringValue else { throw .invalidManifest("\(member).digest is required") }
        guard let digest = ContentDigest(digestText) else { throw .invalidManifest("\(member).digest \(digestText) is not a valid digest") }
        guard case .integer(let size) = object["size"], size >= 0 else {
            throw .invalidManifest("\(member).size must be a non-negative integer")
        }
        return ManifestDescriptor(mediaType: mediaType, digest: digest, size: Int64(size))
    }

    /// A media type without parameters (`; charset=utf-8`), lower-cased.
    static func bareType(_ text: String) -> String {
        String(text.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func sameType(_ a: String, _ b: String) -> Bool { bareType(a) == bareType(b) }
}
