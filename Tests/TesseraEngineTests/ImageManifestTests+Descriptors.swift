import Testing
import TesseraCore
import TesseraEngine

/// The members of an `ImageManifest`: config, layers, manifests and their descriptors; what the registry
/// must hold for it, and its size.
extension ImageManifestTests {
    static let oci = ManifestMediaType.ociManifest
    static let layerType = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let goodConfig = descriptor("application/vnd.oci.image.config.v1+json", config, 10)

    /// An OCI image manifest whose config is `configText` (JSON text) and layers `layersText`.
    static func imageText(config configText: String = goodConfig, layers layersText: String = "[]") -> String {
        manifest(#""mediaType": "\#(oci)", "config": \#(configText), "layers": \#(layersText)"#)
    }

    /// The refusal of an image whose one layer has the members `members`.
    static func layerRefusal(_ members: String) -> String? {
        refusal(imageText(layers: "[{\(members)}]"))
    }

    // MARK: config, layers, manifests

    @Test func anImageWithoutConfigIsRefused() {
        #expect(Self.refusal(Self.manifest(#""mediaType": "\#(Self.oci)", "layers": []"#)) == "config is required")
    }

    @Test(arguments: [#""config""#, "[]", "7", "null"])
    func aConfigThatIsNotADescriptorIsRefused(text: String) {
        #expect(Self.refusal(Self.imageText(config: text)) == "config must be a descriptor object")
    }

    @Test(arguments: ["{}", "7", #""layers""#, "null"])
    func layersThatAreNotAnArrayAreRefused(text: String) {
        #expect(Self.refusal(Self.imageText(layers: text)) == "layers must be an array")
    }

    @Test func aLayerThatIsNotADescriptorIsRefused() {
        let text = "[\(Self.descriptor(Self.layerType, Self.layer, 1)), \"\(Self.layer.string)\"]"
        #expect(Self.refusal(Self.imageText(layers: text)) == "layers[1] must be a descriptor object")
    }

    @Test func anImageThatListsManifestsIsRefused() {
        let text = Self.manifest(#""mediaType": "\#(Self.oci)", "config": \#(Self.goodConfig), "layers": [], "manifests": []"#)
        #expect(Self.refusal(text) == "An image manifest must not list manifests")
    }

    @Test(arguments: [
        #""config": {"mediaType": "a/b", "digest": "sha256:00", "size": 1}, "manifests": []"#,
        #""layers": [], "manifests": []"#,
    ])
    func anIndexWithConfigOrLayersIsRefused(members: String) {
        let text = Self.manifest(#""mediaType": "\#(ManifestMediaType.ociIndex)", \#(members)"#)
        #expect(Self.refusal(text) == "An index must not have config or layers")
    }

    @Test func anIndexWithoutManifestsIsRefused() {
        #expect(Self.refusal(Self.manifest(#""mediaType": "\#(ManifestMediaType.dockerManifestList)""#)) == "manifests is required")
    }

    @Test func anEmptyIndexIsAccepted() throws {
        let parsed = try ImageManifest(Self.manifest(#""mediaType": "\#(ManifestMediaType.ociIndex)", "manifests": []"#), declaredMediaType: nil)
        #expect(parsed.listedManifests.isEmpty)
    }

    @Test func anIndexEntryWithoutAMediaTypeIsRefused() {
        let text = Self.manifest(#""mediaType": "\#(ManifestMediaType.ociIndex)", "manifests": [{"digest": "\#(Self.child.string)", "size": 3}]"#)
        #expect(Self.refusal(text) == "manifests[0].mediaType is required")
    }

    @Test(arguments: [", \"artifactType\": \"\"", ", \"artifactType\": 3", ", \"artifactType\": null"])
    func anArtifactTypeThatIsNotAMediaTypeIsRefused(member: String) {
        let text = Self.manifest(#""mediaType": "\#(Self.oci)", "config": \#(Self.goodConfig), "layers": []\#(member)"#)
        #expect(Self.refusal(text) == "artifactType must be a media type")
    }

    @Test func aSubjectThatIsNotADescriptorIsRefused() {
        let text = Self.manifest(#""mediaType": "\#(Self.oci)", "config": \#(Self.goodConfig), "layers": [], "subject": {"digest": "\#(Self.child.string)"}"#)
        #expect(Self.refusal(text) == "subject.mediaType is required")
    }

    // MARK: Descriptor members

    @Test(arguments: [#""digest": "DIGEST", "size": 1"#, #""mediaType": "", "digest": "DIGEST", "size": 1"#,
                      #""mediaType": 7, "digest": "DIGEST", "size": 1"#])
    func aDescriptorWithoutAMediaTypeIsRefused(members: String) {
        #expect(Self.layerRefusal(members.replacingOccurrences(of: "DIGEST", with: Self.layer.string)) == "layers[0].mediaType is required")
    }

    @Test func aDescriptorWithoutADigestIsRefused() {
        #expect(Self.layerRefusal(#""mediaType": "a/b", "size": 1"#) == "layers[0].digest is required")
        #expect(Self.layerRefusal(#""mediaType": "a/b", "digest": 5, "size": 1"#) == "layers[0].digest is required")
    }

    @Test(arguments: ["sha256:abc", "sha256:" + String(repeating: "A", count: 64), "md5:0123", "not a digest", "sha256"])
    func aDescriptorWhoseDigestIsNotADigestIsRefused(text: String) {
        #expect(Self.layerRefusal(#""mediaType": "a/b", "digest": "\#(text)", "size": 1"#) == "layers[0].digest \(text) is not a valid digest")
    }

    @Test(arguments: ["-1", "1.5", "1e3", #""12""#, "null"])
    func aSizeThatIsNotANonNegativeIntegerIsRefused(size: String) {
        #expect(Self.layerRefusal(#""mediaType": "a/b", "digest": "\#(Self.layer.string)", "size": \#(size)"#)
                == "layers[0].size must be a non-negative integer")
    }

    @Test func aDescriptorWithoutASizeIsRefused() {
        #expect(Self.layerRefusal(#""mediaType": "a/b", "digest": "\#(Self.layer.string)""#) == "layers[0].size must be a non-negative integer")
    }

    @Test func aZeroSizeAndASHA512DigestAreAccepted() throws {
        let sha512 = "sha512:" + String(repeating: "ab", count: 64)
        let text = "[\(Self.descriptor("a/b", Self.layer, 0)), " + #"{"mediaType": "a/b", "digest": "\#(sha512)", "size": 3}]"#
        let parsed = try ImageManifest(Self.imageText(layers: text), declaredMediaType: nil)
        #expect(parsed.requiredBlobs.map(\.digest.string) == [Self.config.string, Self.layer.string, sha512])
    }

    // MARK: What the registry must hold

    @Test func foreignAndNonDistributableLayersAreNotRequired() throws {
        let foreign = Self.digest("foreign"), nondistributable = Self.digest("nondistributable")
        let text = """
            [\(Self.descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", foreign, 1000)),
             \(Self.descriptor(Self.layerType, Self.layer, 20)),
             \(Self.descriptor("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", nondistributable, 300))]
            """
        let parsed = try ImageManifest(Self.imageText(layers: text), declaredMediaType: nil)
        #expect(parsed.requiredBlobs.map(\.digest) == [Self.config, Self.layer])
        #expect(parsed.imageSize == Int64(10 + 1000 + 20 + 300), "the size counts every layer, held or not")
    }

    @Test func theImageSizeIsTheConfigPlusTheLayers() throws {
        let text = "[\(Self.descriptor(Self.layerType, Self.layer, 4096)), \(Self.descriptor(Self.layerType, Self.digest("second"), 123_456_789_012))]"
        let parsed = try ImageManifest(Self.imageText(layers: text), declaredMediaType: nil)
        #expect(parsed.imageSize == Int64(10 + 4096 + 123_456_789_012))
    }

    /// Found while writing the image-manifest fuzz target: sizes each valid but adding up past Int64.max
    /// trapped in imageSize, which PutImage reads for every image manifest it stores.
    @Test func sizesThatAddUpPastInt64MaxAreRefused() throws {
        let text = "[\(Self.descriptor(Self.layerType, Self.layer, Int.max - 10)), \(Self.descriptor(Self.layerType, Self.digest("second"), 1))]"
        #expect(Self.refusal(Self.imageText(layers: text)) == "The sizes of config and layers add up to more than 9223372036854775807 bytes")
        let largest = "[\(Self.descriptor(Self.layerType, Self.layer, Int.max - 10))]"
        #expect(try ImageManifest(Self.imageText(layers: largest), declaredMediaType: nil).imageSize == .max)
    }
}
