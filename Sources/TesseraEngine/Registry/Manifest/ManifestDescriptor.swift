import TesseraCore

/// A content descriptor inside a manifest (OCI image spec, descriptor.md): what it points at and how big it is.
public struct ManifestDescriptor: Sendable, Equatable {
    public var mediaType: String
    public var digest: ContentDigest
    public var size: Int64
    /// Layers that registries need not hold (Docker "foreign" and OCI non-distributable layers, pulled from `urls`).
    public var isNonDistributable: Bool {
        mediaType.contains("foreign") || mediaType.contains("nondistributable")
    }
}
