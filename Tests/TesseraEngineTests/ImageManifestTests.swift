import Testing
import TesseraCore
@testable import TesseraEngine

/// `ImageManifest`: the manifests a registry stores (Docker Image Manifest V2 Schema 2 and manifest list, the
/// OCI image spec 1.1 manifest and index), checked as PutImage must before anything is kept.
struct ImageManifestTests {
    static let config = digest("config")
    static let layer = digest("layer")
    static let child = digest("child")

    static func digest(_ seed: String) -> ContentDigest {
        ContentDigest(sha256: SHA256Value.of(Array(seed.utf8)))
    }

    static func descriptor(_ mediaType: String, _ digest: ContentDigest, _ size: Int) -> String {
        #"{"mediaType": "\#(mediaType)", "digest": "\#(digest.string)", "size": \#(size)}"#
    }

    /// An image manifest whose members are `members` (JSON object members text, after `schemaVersion`).
    static func manifest(_ members: String) -> String {
        #"{"schemaVersion": 2, \#(members)}"#
    }

    static let dockerImage = manifest("""
        "mediaType": "\(ManifestMediaType.dockerManifest)",
        "config": \(descriptor("application/vnd.docker.container.image.v1+json", config, 7023)),
        "layers": [\(descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", layer, 32654))]
        """)

    static let ociImage = manifest("""
        "mediaType": "\(ManifestMediaType.ociManifest)",
        "config": \(descriptor("application/vnd.oci.image.config.v1+json", config, 100)),
        "layers": [\(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer, 200))]
        """)

    /// The invalidManifest reason `text` is refused with, or nil when it is accepted.
    static func refusal(_ text: String, declared: String? = nil) -> String? {
        do {
            _ = try ImageManifest(text, declaredMediaType: declared)
            return nil
        } catch {
            guard case .invalidManifest(let reason) = error else { return "not invalidManifest: \(error)" }
            return reason
        }
    }

    // MARK: The media types

    @Test func aDockerSchema2ManifestListsItsConfigAndLayers() throws {
        let parsed = try ImageManifest(Self.dockerImage, declaredMediaType: nil)
        #expect(parsed.mediaType == ManifestMediaType.dockerManifest)
        guard case .image(let config, let layers) = parsed.kind else {
            Issue.record("expected an image manifest, got \(parsed.kind)")
            return
        }
        #expect(config.digest == Self.config)
        #expect(config.size == 7023)
        #expect(layers.map(\.digest) == [Self.layer])
        #expect(parsed.configMediaType == "application/vnd.docker.container.image.v1+json")
        #expect(parsed.subject == nil)
        #expect(parsed.artifactType == nil)
        #expect(parsed.listedManifests.isEmpty)
    }

    @Test func anOCIManifestIsAnImage() throws {
        let parsed = try ImageManifest(Self.ociImage, declaredMediaType: nil)
        #expect(parsed.mediaType == ManifestMediaType.ociManifest)
        #expect(parsed.requiredBlobs.map(\.digest) == [Self.config, Self.layer])
    }

    @Test(arguments: [ManifestMediaType.dockerManifestList, ManifestMediaType.ociIndex])
    func anIndexListsManifestsAndNeedsNoBlobs(mediaType: String) throws {
        let text = Self.manifest(#""mediaType": "\#(mediaType)", "manifests": [\#(Self.descriptor(ManifestMediaType.ociManifest, Self.child, 512))]"#)
        let parsed = try ImageManifest(text, declaredMediaType: nil)
        #expect(parsed.mediaType == mediaType)
        #expect(parsed.kind == .index(manifests: [ManifestDescriptor(mediaType: ManifestMediaType.ociManifest, digest: Self.child, size: 512)]))
        #expect(parsed.listedManifests.map(\.digest) == [Self.child])
        #expect(parsed.requiredBlobs.isEmpty)
        #expect(parsed.imageSize == nil)
        #expect(parsed.configMediaType == nil)
    }

    @Test func anOCIArtifactKeepsItsArtifactTypeAndSubject() throws {
        let text = Self.manifest("""
            "mediaType": "\(ManifestMediaType.ociManifest)", "artifactType": "application/vnd.example.sbom.v1",
            "config": \(Self.descriptor("application/vnd.oci.empty.v1+json", Self.config, 2)),
            "layers": [\(Self.descriptor("application/spdx+json", Self.layer, 900))],
            "subject": \(Self.descriptor(ManifestMediaType.ociManifest, Self.child, 1234))
            """)
        let parsed = try ImageManifest(text, declaredMediaType: nil)
        #expect(parsed.artifactType == "application/vnd.example.sbom.v1")
        #expect(parsed.subject == ManifestDescriptor(mediaType: ManifestMediaType.ociManifest, digest: Self.child, size: 1234))
        #expect(parsed.configMediaType == "application/vnd.oci.empty.v1+json")
    }

    @Test func anOCIManifestMayHaveNoLayersButADockerOneMayNot() throws {
        let config = #""config": \#(Self.descriptor("application/vnd.oci.empty.v1+json", Self.config, 2))"#
        let oci = try ImageManifest(Self.manifest(#""mediaType": "\#(ManifestMediaType.ociManifest)", \#(config)"#), declaredMediaType: nil)
        #expect(oci.requiredBlobs.map(\.digest) == [Self.config])
        #expect(Self.refusal(Self.manifest(#""mediaType": "\#(ManifestMediaType.dockerManifest)", \#(config)"#)) == "layers is required")
    }

    // MARK: The declared media type

    @Test func theDeclaredTypeIsUsedWhenTheManifestHasNone() throws {
        let text = Self.manifest(#""config": \#(Self.descriptor("a/b", Self.config, 1)), "layers": []"#)
        let parsed = try ImageManifest(text, declaredMediaType: "Application/VND.OCI.Image.Manifest.v1+json; charset=utf-8")
        #expect(parsed.mediaType == ManifestMediaType.ociManifest)
    }

    @Test func aDeclaredTypeThatAgreesUpToCaseAndParametersIsAccepted() throws {
        let parsed = try ImageManifest(Self.ociImage, declaredMediaType: "application/vnd.oci.image.manifest.v1+JSON;charset=utf-8")
        #expect(parsed.mediaType == ManifestMediaType.ociManifest)
    }

    @Test func aDeclaredTypeThatDisagreesWithTheManifestIsRefused() {
        let reason = Self.refusal(Self.ociImage, declared: ManifestMediaType.dockerManifest)
        #expect(reason?.contains("does not match the declared media type") == true, "got \(String(describing: reason))")
    }

    @Test func aManifestWithNoTypeAtAllIsRefused() {
        let text = Self.manifest(#""config": \#(Self.descriptor("a/b", Self.config, 1)), "layers": []"#)
        #expect(Self.refusal(text) == "The manifest has no mediaType and none was given")
    }

    @Test(arguments: ["application/vnd.docker.distribution.manifest.v1+json", "application/json", "text/plain"])
    func anUnsupportedMediaTypeIsRefused(mediaType: String) {
        let text = Self.manifest(#""mediaType": "\#(mediaType)", "config": \#(Self.descriptor("a/b", Self.config, 1)), "layers": []"#)
        #expect(Self.refusal(text) == "Unsupported manifest media type \(mediaType)")
    }

    @Test func aMediaTypeThatIsNotAStringIsRefused() {
        #expect(Self.refusal(Self.manifest(#""mediaType": 5, "layers": []"#)) == "mediaType must be a string")
    }

    // MARK: The document

    @Test(arguments: ["", "{", #"{"schemaVersion": 2,}"#, "{'schemaVersion': 2}", #"{"schemaVersion": 2} trailing"#])
    func textThatIsNotJSONIsRefused(text: String) {
        #expect(Self.refusal(text, declared: ManifestMediaType.ociManifest) == "Invalid JSON syntax")
    }

    @Test func duplicateKeysAreRefused() {
        let text = Self.ociImage.replacingOccurrences(of: #"{"schemaVersion": 2,"#, with: #"{"schemaVersion": 2, "schemaVersion": 2,"#)
        #expect(text != Self.ociImage)
        #expect(Self.refusal(text) == "Invalid JSON syntax")
    }

    @Test(arguments: ["[]", "2", #""manifest""#, "null"])
    func jsonThatIsNotAnObjectIsRefused(text: String) {
        #expect(Self.refusal(text, declared: ManifestMediaType.ociManifest) == "The manifest must be a JSON object")
    }

    @Test(arguments: [#""schemaVersion": 1,"#, #""schemaVersion": "2","#, #""schemaVersion": 2.0,"#, ""])
    func aSchemaVersionOtherThan2IsRefused(member: String) {
        let text = Self.ociImage.replacingOccurrences(of: #""schemaVersion": 2,"#, with: member)
        #expect(Self.refusal(text) == "schemaVersion must be 2")
    }
}
