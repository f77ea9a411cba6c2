import NIOCore

/// The JSON body of an UploadLayerPart request, made from the raw part as it is read for sending: the members
/// first, then the part's bytes base64-encoded one piece at a time, then the closing. Only the raw part is held
/// (10 MiB for the usual part), never its 4/3-larger encoding; hashing the body for the signature encodes it
/// once more, a piece at a time, into the hasher.
public struct ECRLayerPartBody: AWSGeneratedBody {
    /// Raw bytes per encoded piece: a multiple of three, so that only the last piece carries padding. 48 KiB,
    /// encoded 64 KiB, keeps a piece under glibc's default 128 KiB mmap threshold, so pieces come from the heap
    /// rather than being mapped and unmapped one by one; the push's system CPU per MiB was 1.35 ms against 1.55
    /// with 256 KiB pieces (bench/README.md, client commands).
    static let rawPieceSize = 3 << 14

    private let head: ByteBuffer
    private let part: ByteBuffer
    /// Pieces after the head: the part's encoding in `rawPieceSize` slices, the last closing the JSON (one
    /// piece holding only the closing for an empty part).
    private let encodedPieces: Int
    public let length: Int

    /// - Parameter part: the part's bytes; it covers `first ..< first + part.readableBytes` of the layer.
    public init(repository: String, uploadID: String, first: Int64, part: ByteBuffer) {
        let last = first + Int64(part.readableBytes) - 1
        head = ByteBuffer(string: "{\"repositoryName\":\(ECRClient.jsonString(repository)),"
            + "\"uploadId\":\(ECRClient.jsonString(uploadID)),"
            + "\"partFirstByte\":\(first),\"partLastByte\":\(last),\"layerPartBlob\":\"")
        self.part = part
        encodedPieces = max(1, (part.readableBytes + Self.rawPieceSize - 1) / Self.rawPieceSize)
        length = head.readableBytes + (part.readableBytes + 2) / 3 * 4 + 2
    }

    public func piece(_ index: Int) -> ByteBuffer? {
        if index == 0 { return head }
        guard index <= encodedPieces else { return nil }
        let start = (index - 1) * Self.rawPieceSize
        let count = min(Self.rawPieceSize, part.readableBytes - start)
        let isLast = index == encodedPieces
        // Exactly the piece's size: a ByteBuffer rounds its capacity up to a power of two, so two bytes more
        // than a full piece's 64 KiB would double it, over the mmap threshold.
        var output = ByteBufferAllocator().buffer(capacity: (count + 2) / 3 * 4 + (isLast ? 2 : 0))
        if count > 0, let bytes = part.getSlice(at: part.readerIndex + start, length: count) {
            bytes.withUnsafeReadableBytes { Self.encode($0, into: &output) }
        }
        if isLast { output.writeString("\"}") }
        return output
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 of `input`, with `=` padding when its length is not a multiple of three.
    private static func encode(_ input: UnsafeRawBufferPointer, into output: inout ByteBuffer) {
        let groups = input.count / 3
        let tail = input.count - groups * 3
        let written = groups * 4 + (tail > 0 ? 4 : 0)
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: written) { out in
            alphabet.withUnsafeBufferPointer { table in
                var o = 0
                var i = 0
                for _ in 0..<groups {
                    let value = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = table[Int(value >> 18 & 63)]
                    out[o + 1] = table[Int(value >> 12 & 63)]
                    out[o + 2] = table[Int(value >> 6 & 63)]
                    out[o + 3] = table[Int(value & 63)]
                    i += 3
                    o += 4
                }
                if tail > 0 {
                    let value = UInt32(input[i]) << 16 | (tail == 2 ? UInt32(input[i + 1]) << 8 : 0)
                    out[o] = table[Int(value >> 18 & 63)]
                    out[o + 1] = table[Int(value >> 12 & 63)]
                    out[o + 2] = tail == 2 ? table[Int(value >> 6 & 63)] : UInt8(ascii: "=")
                    out[o + 3] = UInt8(ascii: "=")
                }
            }
            return written
        }
    }
}
