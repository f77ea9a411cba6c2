import TesseraCore

/// One whole blob's place in a longer run of bytes laid end to end: a Glacier archive's parts, an ECR
/// layer's parts. Completing an upload writes such a list; it copies no bytes.
public struct BlobSegment: Sendable, Equatable {
    public var blob: SHA256Value
    public var length: Int64

    public init(blob: SHA256Value, length: Int64) {
        self.blob = blob
        self.length = length
    }
}
